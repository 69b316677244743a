package api

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/video"
)

// CameraRelay is the video relay behind the camera endpoints;
// *video.Relay implements it. Errors are video's sentinels (ErrNotFound,
// ErrInvalid, ErrUnsupported, ErrNoPicture, ErrStale, ErrClosed).
type CameraRelay interface {
	Cameras() []video.CameraInfo
	Camera(id string) (video.CameraInfo, error)
	Put(ctx context.Context, cam video.Camera) (video.Probe, error)
	Delete(ctx context.Context, id string) error
	WHEP(ctx context.Context, camID, offer string, viewer video.ViewerInfo) (answer, sessionID string, err error)
	Patch(ctx context.Context, camID, sessionID, ifMatch, frag string) (restart, etag string, err error)
	End(camID, sessionID string) error
	Snapshot(ctx context.Context, camID string) ([]byte, error)
	ICELinks(user string) []string
}

const (
	mimeSDP     = "application/sdp"
	mimeTrickle = "application/trickle-ice-sdpfrag"
	// whepTimeout bounds answering one offer or ICE restart (ICE
	// gathering included).
	whepTimeout = 10 * time.Second
)

// cameraRoutes registers the camera endpoints when a relay is wired in.
func (s *Server) cameraRoutes(g fiber.Router) {
	if s.deps.Cameras == nil {
		return
	}
	g.Get("/cameras", s.listCameras)
	g.Post("/cameras", s.requireOfficer, s.postCamera)
	g.Get("/cameras/:id", s.getCamera)
	g.Put("/cameras/:id", s.requireOfficer, s.putCamera)
	g.Delete("/cameras/:id", s.requireOfficer, s.deleteCamera)
	g.Get("/cameras/:id/snapshot.jpg", s.cameraSnapshot)
	g.Options("/cameras/:id/whep", s.whepOptions)
	g.Post("/cameras/:id/whep", s.postWHEP)
	g.Patch("/cameras/:id/whep/:session", s.patchWHEP)
	g.Delete("/cameras/:id/whep/:session", s.deleteWHEP)
}

// mayWatch reports whether p may see and watch cam: officers, admins and
// viewers (wall screens) every camera, a station account only the cameras
// assigned to its station.
func mayWatch(p Principal, cam video.Camera) bool {
	switch {
	case p.HasRole(RoleOfficer), p.HasRole(RoleAdmin):
		return true
	case p.HasRole(RoleStation):
		return p.Station != "" && slices.Contains(cam.Stations, p.Station)
	case p.HasRole(RoleViewer):
		return true
	}
	return false
}

// visibleCamera returns the camera of the path, or ErrNotFound also when
// the principal may not see it (as if absent).
func (s *Server) visibleCamera(c *fiber.Ctx) (video.CameraInfo, Principal, error) {
	p, _ := PrincipalOf(c)
	cam, err := s.deps.Cameras.Camera(c.Params("id"))
	if err != nil {
		return cam, p, err
	}
	if !mayWatch(p, cam.Camera) {
		return video.CameraInfo{}, p, video.ErrNotFound
	}
	return cam, p, nil
}

type cameraList struct {
	Count   int                `json:"count"`
	Cameras []video.CameraInfo `json:"cameras"`
}

func (s *Server) listCameras(c *fiber.Ctx) error {
	p, _ := PrincipalOf(c)
	out := cameraList{Cameras: []video.CameraInfo{}}
	for _, cam := range s.deps.Cameras.Cameras() {
		if mayWatch(p, cam.Camera) {
			out.Cameras = append(out.Cameras, cam)
		}
	}
	out.Count = len(out.Cameras)
	return c.JSON(out)
}

func (s *Server) getCamera(c *fiber.Ctx) error {
	cam, _, err := s.visibleCamera(c)
	if err != nil {
		return err
	}
	return c.JSON(cam)
}

// cameraPut is the answer to a write: the camera as stored and what the
// probe found.
type cameraPut struct {
	video.CameraInfo
	Probe video.Probe `json:"probe"`
}

func (s *Server) postCamera(c *fiber.Ctx) error {
	var cam video.Camera
	if err := decodeJSON(c, &cam); err != nil {
		return err
	}
	if _, err := s.deps.Cameras.Camera(cam.ID); err == nil {
		return &conflictError{"camera " + cam.ID + " exists; PUT /api/v1/cameras/" + cam.ID + " replaces it"}
	}
	return s.storeCamera(c, cam, fiber.StatusCreated)
}

func (s *Server) putCamera(c *fiber.Ctx) error {
	var cam video.Camera
	if err := decodeJSON(c, &cam); err != nil {
		return err
	}
	id := c.Params("id")
	if cam.ID == "" {
		cam.ID = id
	}
	if cam.ID != id {
		return bodyError("id %q is not the path's %q", cam.ID, id)
	}
	status := fiber.StatusOK
	if _, err := s.deps.Cameras.Camera(id); err != nil {
		status = fiber.StatusCreated
	}
	return s.storeCamera(c, cam, status)
}

func (s *Server) storeCamera(c *fiber.Ctx, cam video.Camera, status int) error {
	var before any
	if old, err := s.deps.Cameras.Camera(cam.ID); err == nil {
		before = old.Camera.Redacted()
	}
	probe, err := s.deps.Cameras.Put(c.UserContext(), cam)
	if err != nil {
		return err
	}
	info, err := s.deps.Cameras.Camera(cam.ID)
	if err != nil {
		return err
	}
	s.audit(c, ActionCameraPut, "camera:"+cam.ID, before, info.Camera.Redacted())
	if status == fiber.StatusCreated {
		c.Location("/api/v1/cameras/" + cam.ID)
	}
	return c.Status(status).JSON(cameraPut{CameraInfo: info, Probe: probe})
}

func (s *Server) deleteCamera(c *fiber.Ctx) error {
	id := c.Params("id")
	var before any
	if old, err := s.deps.Cameras.Camera(id); err == nil {
		before = old.Camera.Redacted()
	}
	if err := s.deps.Cameras.Delete(c.UserContext(), id); err != nil {
		return err
	}
	s.audit(c, ActionCameraDelete, "camera:"+id, before, nil)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) cameraSnapshot(c *fiber.Ctx) error {
	cam, _, err := s.visibleCamera(c)
	if err != nil {
		return err
	}
	jpeg, err := s.deps.Cameras.Snapshot(c.UserContext(), cam.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/jpeg")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(jpeg)
}

// setICELinks hands the client its STUN and TURN servers (RFC 9725 4.4).
func (s *Server) setICELinks(c *fiber.Ctx, p Principal) {
	for _, l := range s.deps.Cameras.ICELinks(p.Name) {
		c.Response().Header.Add(fiber.HeaderLink, l)
	}
}

func (s *Server) whepOptions(c *fiber.Ctx) error {
	_, p, err := s.visibleCamera(c)
	if err != nil {
		return err
	}
	s.setICELinks(c, p)
	c.Set(fiber.HeaderAllow, "OPTIONS, POST")
	c.Set("Accept-Post", mimeSDP)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) postWHEP(c *fiber.Ctx) error {
	if !contentType(c, mimeSDP) {
		return fiber.ErrUnsupportedMediaType
	}
	cam, p, err := s.visibleCamera(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), whepTimeout)
	defer cancel()
	answer, session, err := s.deps.Cameras.WHEP(ctx, cam.ID, string(c.Body()), video.ViewerInfo{Name: p.Name, Station: p.Station, Remote: c.IP()})
	if err != nil {
		return err
	}
	s.setICELinks(c, p)
	c.Location("/api/v1/cameras/" + cam.ID + "/whep/" + session)
	if etag := video.ETag(answer); etag != "" {
		c.Set(fiber.HeaderETag, etag) // the ICE session, for PATCH's If-Match (RFC 9725 4.3.1)
	}
	c.Set(fiber.HeaderContentType, mimeSDP)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(video.CatchupMarkHeader, video.CatchupMarkValue)
	return c.Status(fiber.StatusCreated).SendString(answer)
}

func (s *Server) patchWHEP(c *fiber.Ctx) error {
	if !contentType(c, mimeTrickle) {
		return fiber.ErrUnsupportedMediaType
	}
	cam, _, err := s.visibleCamera(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), whepTimeout) // a restart gathers ICE again
	defer cancel()
	restart, etag, err := s.deps.Cameras.Patch(ctx, cam.ID, c.Params("session"), c.Get(fiber.HeaderIfMatch), string(c.Body()))
	if err != nil {
		return err
	}
	if restart == "" {
		return c.SendStatus(fiber.StatusNoContent) // trickled candidates
	}
	// An ICE restart: the relay's new ICE credentials and candidates, and
	// the new ICE session's entity-tag (RFC 9725 4.3.3).
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderContentType, mimeTrickle)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusOK).SendString(restart)
}

func (s *Server) deleteWHEP(c *fiber.Ctx) error {
	cam, _, err := s.visibleCamera(c)
	if err != nil {
		return err
	}
	if err := s.deps.Cameras.End(cam.ID, c.Params("session")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusOK)
}

func contentType(c *fiber.Ctx, want string) bool {
	ct, _, _ := strings.Cut(c.Get(fiber.HeaderContentType), ";")
	return strings.EqualFold(strings.TrimSpace(ct), want)
}

// conflictError is a camera POSTed under an id that exists.
type conflictError struct{ msg string }

func (e *conflictError) Error() string { return e.msg }

// errCameraConflict is what conflictError wraps for errorTable.
var errCameraConflict = errors.New("api: camera exists")

func (e *conflictError) Unwrap() error { return errCameraConflict }
