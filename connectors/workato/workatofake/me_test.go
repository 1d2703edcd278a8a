package workatofake

// Tests of the fake's workspace details endpoint.

import (
	"testing"
)

func TestServer_Me(t *testing.T) {
	ws := LegacyOneEnv()
	_, base, _ := manualServer(t, ws, Options{})
	r := get(t, base+"/api/users/me", TestToken)
	if r.status != 200 {
		t.Fatalf("got %d %s, want 200", r.status, r.body)
	}
	me := decode[struct {
		ID           int    `json:"id"`
		Name         string `json:"name"`
		CreatedAt    string `json:"created_at"`
		RootFolderID int    `json:"root_folder_id"`
		Email        string `json:"email"`
		PlanID       string `json:"plan_id"`
	}](t, r.body)
	if me.ID != ws.ID || me.Name != ws.Name || !timeRE.MatchString(me.CreatedAt) || me.RootFolderID != 1 || me.Email != "ada@acme.example" || me.PlanID == "" {
		t.Fatalf("got %+v, want id %d, name %q, root folder 1, the owner's email", me, ws.ID, ws.Name)
	}
}
