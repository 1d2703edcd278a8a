package workatofake

// Options of the fake: its limits and clock, and the staged races and
// answers (see staging.go).

import (
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// Options tunes the fake. Zero values take the defaults noted, which are
// Workato's documented values.
type Options struct {
	Clock        fakeapi.Clock // default fakeapi.RealClock
	MinuteWindow time.Duration // default 1m (tests scale it down)
	PerMinute    int           // requests per MinuteWindow per group; default 60
	// OmitRetryAfter leaves Retry-After out of 429 answers (the reference
	// marks the header undocumented; a connector must cope without it).
	// By default 429s carry it, in whole seconds, at least 1.
	OmitRetryAfter bool
	// InviteWindow is how long an email may not be invited again; default
	// 20m.
	InviteWindow time.Duration
	// Latency is how long every authorised call takes (default 0).
	Latency time.Duration

	// NestedFolders is how GET /api/folders treats with_nested_folders
	// (UNCERTAIN in the reference, so both are served): NestedUnsupported
	// (the default) ignores it; NestedSubtree answers every descendant of
	// parent_id, each with its own parent_id, paged at per_page ≤ 100.
	NestedFolders NestedMode
	// GroupsDevOnly makes /api/user_groups* answer 403 to non-DEV clients
	// (whether Workato does is UNCERTAIN; by default every client is
	// served).
	GroupsDevOnly bool
	// APIClientsDevOnly does the same for /api/developer_api_clients and
	// /api/developer_api_client_roles.
	APIClientsDevOnly bool
	// APIClientsForbidden makes those two answer 403, as to a client whose
	// role lacks the API-client privileges.
	APIClientsForbidden bool
	// APIClientsOwnEnv makes /api/developer_api_clients list only the
	// calling client's environment's API clients (whether a client sees
	// other environments' is UNCERTAIN; by default every client sees all).
	APIClientsOwnEnv bool

	// Shapes the reference leaves UNCERTAIN, each servable (default
	// first):
	//
	// ActivityKeys: ActivityKeysDocumented (id, event_type, resource_type,
	// created_at) or ActivityKeysAlternate (type, timestamp; the resource
	// type only inside resource).
	ActivityKeys ActivityKeyStyle
	// APIClientsEnvelope: EnvelopeResult ({"result":{count,items}}),
	// EnvelopeData ({data,total}) or EnvelopeBare (a bare array), for the
	// API-client and client-role lists.
	APIClientsEnvelope Envelope
	// OtherEnvForbidden answers 403 instead of 404 for another
	// environment's project or grant.
	OtherEnvForbidden bool
	// RBACErrorsForm writes the error bodies of the group, grant,
	// API-client and activity-log endpoints as {"errors":[{"title":…}]}
	// instead of {"message":…}.
	RBACErrorsForm bool

	// Staging (see staging.go); all off by default.

	// VanishAfterList names members deleted right after GET /api/members
	// first answers, as if removed mid-sync.
	VanishAfterList []int
	// MembersPerPage, if > 0, pages GET /api/members at this size (page,
	// per_page up to it), although Workato documents no paging there.
	MembersPerPage int
	// MembersTotalExtra is added to the "total" of GET /api/members: a
	// total the list never delivers.
	MembersTotalExtra int
	// IgnorePage makes every paged list answer page 1 whatever is asked.
	IgnorePage bool
	// RaceOnUpdate stages another administrator's change around a PUT.
	RaceOnUpdate *RaceOnUpdate
	// LoseFirstAnswer lists routes (Route constants) whose first request is
	// applied and then answered by dropping the connection.
	LoseFirstAnswer []string
	// EmptyAnswer lists routes whose 2xx answers are an empty 204.
	EmptyAnswer []string
}

// NestedMode is how the fake treats GET /api/folders?with_nested_folders=true.
type NestedMode int

// Nested-folder modes.
const (
	NestedUnsupported NestedMode = iota // the flag is ignored: direct children only
	NestedSubtree                       // every descendant of parent_id, each with its parent_id
)

// ActivityKeyStyle is the key spelling of activity-log entries.
type ActivityKeyStyle int

// Activity-log key spellings.
const (
	ActivityKeysDocumented ActivityKeyStyle = iota
	ActivityKeysAlternate
)

// Envelope is the wrapping of the API-client lists.
type Envelope int

// API-client list envelopes.
const (
	EnvelopeResult Envelope = iota
	EnvelopeData
	EnvelopeBare
)

func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = fakeapi.RealClock{}
	}
	if o.MinuteWindow <= 0 {
		o.MinuteWindow = time.Minute
	}
	if o.PerMinute <= 0 {
		o.PerMinute = 60
	}
	if o.InviteWindow <= 0 {
		o.InviteWindow = 20 * time.Minute
	}
	return o
}
