package workato

// The collaborator groups of the model: each group as the API listed it and
// its members, limited to the synced collaborators.

import (
	"go.uber.org/zap"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
)

// groupModel holds the collaborator groups.
type groupModel struct {
	GroupsListed bool
	Groups       []workatoapi.Group
	groupByRID   map[string]*workatoapi.Group
	// GroupMembers: group ID → its members, in the order listed.
	GroupMembers map[workatoapi.ID][]workatoapi.ID
}

// groupRID is the resource ID of a group: its Workato ID.
func groupRID(id workatoapi.ID) string { return id.String() }

// buildGroups keeps every listed group and its members. A member who is not
// among the synced collaborators (removed from the workspace during the
// sync) is left out of the group, said so.
func (m *model) buildGroups(in *loaded) {
	m.GroupsListed = in.GroupsListed
	m.groupByRID = map[string]*workatoapi.Group{}
	m.GroupMembers = map[workatoapi.ID][]workatoapi.ID{}
	seen := map[string]bool{}
	for _, g := range in.Groups {
		if seen[groupRID(g.ID)] {
			continue // listed twice (the list shifted between pages)
		}
		seen[groupRID(g.ID)] = true
		m.Groups = append(m.Groups, g)
	}
	for i := range m.Groups {
		m.groupByRID[groupRID(m.Groups[i].ID)] = &m.Groups[i]
	}
	for _, g := range m.Groups {
		seen := map[workatoapi.ID]bool{}
		for _, mem := range in.GroupMembers[g.ID] {
			if seen[mem.ID] {
				continue
			}
			seen[mem.ID] = true
			if !m.isMember(mem.ID) {
				m.Notes = append(m.Notes, note{
					Msg:    "collaborator group member is not among the synced collaborators (removed during the sync?); leaving the membership out",
					Fields: []zap.Field{zap.String("group", g.ID.String()), zap.String("collaborator", mem.ID.String())},
				})
				continue
			}
			m.GroupMembers[g.ID] = append(m.GroupMembers[g.ID], mem.ID)
		}
	}
}

// group returns the group with resource ID rid.
func (m *model) group(rid string) (*workatoapi.Group, bool) {
	g, ok := m.groupByRID[rid]
	return g, ok
}
