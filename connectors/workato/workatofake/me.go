package workatofake

// Workspace details endpoint of the fake: GET /api/users/me.

import (
	"net/http"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

func (s *Server) handleMe(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	owner := ""
	for _, m := range s.ws.Members {
		if m.GrantType == GrantFederationManager || owner == "" {
			owner = m.Email
			if m.GrantType == GrantFederationManager {
				break
			}
		}
	}
	s.mu.Unlock()
	periodStart := time.Date(s.clock.Now().Year(), 1, 1, 0, 0, 0, 0, workatoZone)
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{
		"id":                           s.ws.ID,
		"name":                         s.ws.Name,
		"company_name":                 s.ws.Name,
		"email":                        owner,
		"created_at":                   wtime(s.ws.CreatedAt),
		"plan_id":                      "enterprise",
		"current_billing_period_start": wtime(periodStart),
		"current_billing_period_end":   wtime(periodStart.AddDate(1, 0, 0).Add(-time.Millisecond)),
		"recipes_count":                0,
		"active_recipes_count":         0,
		"root_folder_id":               s.ws.HomeFolderID,
		"location":                     nil,
		"time_zone":                    "Pacific Time (US & Canada)",
	})
}
