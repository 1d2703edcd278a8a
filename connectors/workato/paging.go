package workato

// Paging: reading every page of a list, and never accepting one that says
// it is longer than what came back.

import (
	"context"
	"slices"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
)

// maxPages bounds every paged read: far beyond any real workspace (100
// items a page), it only stops a server that never ends a list.
const maxPages = 1000

// readPages reads pages 1, 2, … of the list at endpoint. A list whose
// answers carry a total is read until the total is reached; if a page comes
// back empty first, the list is refused, naming both numbers. A list
// without a total (Workato's bare arrays) ends on a page shorter than
// workatoapi.PageSize. A page that repeats the previous one (a server that
// ignores page) or more than maxPages pages fail, naming the endpoint,
// instead of reading forever. id names an item, to compare pages.
func readPages[T any](ctx context.Context, endpoint string, id func(T) workatoapi.ID, list func(context.Context, int) ([]T, int, error)) ([]T, error) {
	var out []T
	var prev []workatoapi.ID
	for page := 1; ; page++ {
		if page > maxPages {
			return nil, tooManyPages(endpoint)
		}
		items, total, err := list(ctx, page)
		if err != nil {
			return nil, err
		}
		ids := make([]workatoapi.ID, len(items))
		for i, it := range items {
			ids[i] = id(it)
		}
		if page > 1 && len(ids) > 0 && slices.Equal(ids, prev) {
			return nil, repeatedPage(endpoint, page)
		}
		prev = ids
		out = append(out, items...)
		if total == workatoapi.NoTotal {
			if len(items) < workatoapi.PageSize {
				return out, nil
			}
			continue
		}
		if len(out) >= total {
			return out, nil
		}
		if len(items) == 0 {
			return nil, shortList(endpoint, total, len(out))
		}
	}
}

// repeatedPage refuses a list whose page repeats the one before.
func repeatedPage(endpoint string, page int) error {
	return inconsistent("GET %s: page %d holds the same items as page %d (the server ignores the page parameter?): stopping instead of reading forever", endpoint, page, page-1)
}

// tooManyPages refuses a list that does not end within maxPages.
func tooManyPages(endpoint string) error {
	return inconsistent("GET %s: the list did not end within %d pages: stopping instead of reading forever", endpoint, maxPages)
}

// shortList refuses a list whose total was never delivered.
func shortList(endpoint string, total, got int) error {
	return inconsistent("GET %s: the answer says there are %d but only %d could be read, also page by page: refusing a partial list", endpoint, total, got)
}

// allPages reads a bare-array list (no total).
func allPages[T any](ctx context.Context, endpoint string, id func(T) workatoapi.ID, list func(context.Context, int) ([]T, error)) ([]T, error) {
	return readPages(ctx, endpoint, id, func(ctx context.Context, page int) ([]T, int, error) {
		items, err := list(ctx, page)
		return items, workatoapi.NoTotal, err
	})
}

// listMembers returns every collaborator: the first answer (Validate's, or
// read now), and further pages only when its total says it was not all,
// asked for at the size of the first page.
func listMembers(ctx context.Context, a api, first *memberList) ([]workatoapi.Member, error) {
	if first == nil {
		items, total, err := a.ListMembers(ctx, 0, 0)
		if err != nil {
			return nil, err
		}
		first = &memberList{Items: items, Total: total}
	}
	if first.Total == workatoapi.NoTotal || len(first.Items) >= first.Total {
		return first.Items, nil
	}
	perPage := len(first.Items)
	if perPage == 0 {
		return nil, shortList(workatoapi.RouteMembers, first.Total, 0)
	}
	return readPages(ctx, workatoapi.RouteMembers, memberID, func(ctx context.Context, page int) ([]workatoapi.Member, int, error) {
		if page == 1 {
			return first.Items, first.Total, nil
		}
		return a.ListMembers(ctx, page, perPage)
	})
}

// memberList is one answer of GET /api/members.
type memberList struct {
	Items []workatoapi.Member
	Total int
}

// Item IDs, to compare pages.
func memberID(m workatoapi.Member) workatoapi.ID           { return m.ID }
func customRoleID(r workatoapi.Role) workatoapi.ID         { return r.ID }
func rbacRoleID(r workatoapi.RBACRole) workatoapi.ID       { return r.ID }
func projectID(p workatoapi.Project) workatoapi.ID         { return p.ID }
func grantID(g workatoapi.ProjectGrant) workatoapi.ID      { return g.ID }
func groupID(g workatoapi.Group) workatoapi.ID             { return g.ID }
func groupMemberID(m workatoapi.GroupMember) workatoapi.ID { return m.ID }
func apiClientID(c workatoapi.APIClient) workatoapi.ID     { return c.ID }
func clientRoleID(r workatoapi.ClientRole) workatoapi.ID   { return r.ID }
func folderID(f workatoapi.Folder) workatoapi.ID           { return f.ID }
