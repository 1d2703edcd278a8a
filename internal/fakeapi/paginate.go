package fakeapi

// Paginate returns the items of a 1-based page. page < 1 is treated as 1;
// perPage 0 means maxPerPage, and any other value is clamped to
// [1, maxPerPage] (maxPerPage < 1 is treated as 1). A page past the end is
// empty, never nil, so it encodes as [] in JSON. The result aliases items.
func Paginate[T any](items []T, page, perPage, maxPerPage int) []T {
	if maxPerPage < 1 {
		maxPerPage = 1
	}
	switch {
	case perPage == 0:
		perPage = maxPerPage
	case perPage < 1:
		perPage = 1
	case perPage > maxPerPage:
		perPage = maxPerPage
	}
	if page < 1 {
		page = 1
	}
	start := (page - 1) * perPage
	if start >= len(items) || start < 0 {
		return []T{}
	}
	end := start + perPage
	if end > len(items) {
		end = len(items)
	}
	return items[start:end:end]
}
