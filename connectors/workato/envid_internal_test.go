package workato

import "testing"

func TestSplitEnvID(t *testing.T) {
	tests := []struct {
		rid, wantEnv, wantID string
		wantErr              bool
	}{
		{rid: "42", wantEnv: "dev", wantID: "42"},
		{rid: "prod:42", wantEnv: "prod", wantID: "42"},
		{rid: "uat:pr-AQ9", wantEnv: "uat", wantID: "pr-AQ9"},
		{rid: ":42", wantErr: true},
		{rid: "prod:", wantErr: true},
		{rid: "prod:4/2", wantErr: true},
		{rid: "", wantErr: true},
	}
	for _, tt := range tests {
		env, id, err := splitEnvID(tt.rid)
		if (err != nil) != tt.wantErr {
			t.Fatalf("splitEnvID(%q): got error %v, want error %v", tt.rid, err, tt.wantErr)
		}
		if err != nil {
			continue
		}
		if env != tt.wantEnv || id.String() != tt.wantID {
			t.Errorf("splitEnvID(%q): got %s, %s; want %s, %s", tt.rid, env, id, tt.wantEnv, tt.wantID)
		}
		if back := envResourceID(env, id); back != tt.rid {
			t.Errorf("envResourceID(%s, %s): got %q, want %q", env, id, back, tt.rid)
		}
	}
}
