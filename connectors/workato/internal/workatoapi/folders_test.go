package workatoapi

import (
	"net/url"
	"reflect"
	"testing"
)

func TestClient_ListFolders(t *testing.T) {
	const body = `[{"id":7498,"name":"Netsuite production","parent_id":3319,"is_project":false,"project_id":4567,"created_at":"2020-07-31T03:08:29.486-07:00","updated_at":"2020-07-31T03:08:29.493-07:00"},{"id":"7499","name":"Root","parent_id":null,"project_id":null}]`
	tests := []struct {
		name      string
		nested    bool
		parent    ID
		wantQuery url.Values
	}{
		{name: "one level", parent: "3319", wantQuery: url.Values{"parent_id": {"3319"}, "page": {"2"}, "per_page": {"100"}}},
		{name: "one level under Home", parent: "", wantQuery: url.Values{"page": {"2"}, "per_page": {"100"}}},
		{name: "nested", nested: true, parent: "3319", wantQuery: url.Values{"parent_id": {"3319"}, "page": {"2"}, "per_page": {"100"}, "with_nested_folders": {"true"}}},
		{name: "nested under Home", nested: true, wantQuery: url.Values{"page": {"2"}, "per_page": {"100"}, "with_nested_folders": {"true"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t, answer{body: body})
			list := c.ListFolders
			if tt.nested {
				list = c.ListFoldersNested
			}
			got, err := list(bg, tt.parent, 2)
			if err != nil {
				t.Fatal(err)
			}
			r := s.only(t)
			if r.path != "/api/folders" || !reflect.DeepEqual(r.query, tt.wantQuery) {
				t.Fatalf("request: got %s %v, want /api/folders %v", r.path, r.query, tt.wantQuery)
			}
			if len(got) != 2 || got[0].ID != "7498" || got[0].ParentID != "3319" || got[0].ProjectID != "4567" || got[1].ID != "7499" || !got[1].ParentID.IsZero() {
				t.Fatalf("got %+v, want folders 7498 (parent 3319, project 4567) and 7499 (no parent)", got)
			}
		})
	}
}

// TestClient_ListFoldersNested_Malformed: the nested list is a bare array
// like the flat one; anything else is refused, naming the field.
func TestClient_ListFoldersNested_Malformed(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{name: "an object", body: `{"result":[]}`, want: "not a JSON array"},
		{name: "parent_id an object", body: `[{"id":1,"parent_id":{"id":2}}]`, want: `"parent_id"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newStub(t, answer{body: tt.body})
			_, err := c.ListFoldersNested(bg, "", 1)
			checkErr(t, err, tt.want, true)
		})
	}
}
