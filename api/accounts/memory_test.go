package accounts_test

import (
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/api/accounts"
	"github.com/riverwatch/riverwatch/api/accounts/accountstest"
)

func TestMemoryStore(t *testing.T) {
	accountstest.TestStore(t, func(t *testing.T, now func() time.Time) accounts.Store {
		return accounts.NewMemoryStore(now)
	})
}
