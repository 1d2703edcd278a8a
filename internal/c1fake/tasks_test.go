package c1fake_test

import (
	"regexp"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	v1 "github.com/conductorone/baton-sdk/pb/c1/connectorapi/baton/v1"
	"github.com/conductorone/baton-sdk/pkg/tasks"
	taskTypes "github.com/conductorone/baton-sdk/pkg/types/tasks"

	"github.com/accessgov/baton-connectors/internal/c1fake"
)

func TestTasks_Builders(t *testing.T) {
	ent, user := testEntitlement()
	grant := v2.Grant_builder{Id: "g1", Entitlement: ent, Principal: user}.Build()
	info := v2.AccountInfo_builder{Login: "aroha@example.com"}.Build()
	tests := []struct {
		name string
		task *v1.Task
		want taskTypes.TaskType
	}{
		{"full sync", c1fake.SyncTask(), taskTypes.FullSyncType},
		{"grant", c1fake.GrantTask(ent, user), taskTypes.GrantType},
		{"revoke", c1fake.RevokeTask(grant), taskTypes.RevokeType},
		{"create account", c1fake.CreateAccountTask(info, "collaborator"), taskTypes.CreateAccountType},
		{"delete resource", c1fake.DeleteResourceTask(user.GetId(), nil), taskTypes.DeleteResourceType},
	}
	id := regexp.MustCompile(`^[a-zA-Z0-9]{27}$`)
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tasks.GetType(tt.task); got != tt.want {
				t.Errorf("type: got %s, want %s", got, tt.want)
			}
			if !id.MatchString(tt.task.GetId()) {
				t.Errorf("task ID %q: want 27 alphanumerics", tt.task.GetId())
			}
			if seen[tt.task.GetId()] {
				t.Errorf("task ID %q handed out twice", tt.task.GetId())
			}
			seen[tt.task.GetId()] = true
			if err := tt.task.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}
