package api

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// maxPersons bounds an officer's count: far above any inland vessel's.
const maxPersons = 10_000

// PersonsRequest is the body of PUT /api/v1/vessels/{mmsi}/persons: the
// persons on board an officer counted (at a quay check, over the radio),
// which the overcrowding rule uses instead of what the vessel sends; null
// or a negative count forgets it.
type PersonsRequest struct {
	Persons *int `json:"persons"`
}

// setPersons records an officer's count of persons on board.
func (s *Server) setPersons(c *fiber.Ctx) error {
	mmsi, err := parseMMSI(c.Params("mmsi"))
	if err != nil {
		return err
	}
	var req PersonsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	n := -1
	if req.Persons != nil {
		n = *req.Persons
	}
	if n > maxPersons {
		return bodyError("field %q: at most %d", "persons", maxPersons)
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	if _, err := s.deps.Vessels.Vessel(ctx, mmsi); err != nil {
		return err
	}
	s.deps.Zones.SetPersons(mmsi, n)
	s.log.Info("persons on board counted", "mmsi", mmsi, "persons", n, "by", by(c))
	s.audit(c, ActionPersonsSet, fmt.Sprintf("vessel:%d", mmsi), nil, fiber.Map{"persons": req.Persons})
	return c.JSON(fiber.Map{"mmsi": mmsi, "persons": req.Persons})
}
