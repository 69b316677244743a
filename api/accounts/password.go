package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams are the argon2id parameters of new password hashes. Stored
// hashes carry their own, so changing these re-tunes new passwords only.
type HashParams struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultHashParams follow OWASP's argon2id minimum (19 MiB, two passes,
// one lane): about 27 ms of CPU per hash on the project's 2-core CI
// machine (BenchmarkHash's cpu-ms/op; 30–80 ms wall as the load varies),
// under the 100 ms a login may cost, and hard enough that a stolen store
// yields some thirty-five guesses per core-second.
var DefaultHashParams = HashParams{Time: 2, Memory: 19 * 1024, Threads: 1, SaltLen: 16, KeyLen: 32}

// Password rules: long enough to resist online guessing beside the
// throttle, short enough that hashing it is no denial of service.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 256
)

// CheckPassword says what is wrong with a new password, wrapping
// ErrInvalid.
func CheckPassword(pw string) error {
	switch {
	case len(pw) < MinPasswordLen:
		return fmt.Errorf("%w: password: at least %d characters", ErrInvalid, MinPasswordLen)
	case len(pw) > MaxPasswordLen:
		return fmt.Errorf("%w: password: at most %d bytes", ErrInvalid, MaxPasswordLen)
	}
	return nil
}

var b64 = base64.RawStdEncoding

// HashPassword hashes pw with argon2id under p and returns the PHC string
// $argon2id$v=19$m=..,t=..,p=..$salt$key.
func HashPassword(pw string, p HashParams) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("accounts: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// maxHashMemory bounds the memory a stored hash may ask for (1 GiB), so a
// tampered store cannot make a login allocate without limit.
const maxHashMemory = 1 << 20

// VerifyPassword reports whether pw matches the PHC hash; a malformed
// hash is an error (never a match).
func VerifyPassword(pw, hash string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, fmt.Errorf("%w: password hash: not argon2id", ErrInvalid)
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, fmt.Errorf("%w: password hash: version %q", ErrInvalid, parts[2])
	}
	var p HashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Memory == 0 || p.Memory > maxHashMemory || p.Time == 0 || p.Time > 64 || p.Threads == 0 {
		return false, fmt.Errorf("%w: password hash: parameters %q", ErrInvalid, parts[3])
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("%w: password hash: salt", ErrInvalid)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 128 {
		return false, fmt.Errorf("%w: password hash: key", ErrInvalid)
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
