package connectortest

// events.go: the service-mode event-feed round trips (list_event_feeds,
// list_events) through the fake ConductorOne, for connectors with feeds.

import (
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"

	"github.com/accessgov/baton-connectors/internal/c1fake"
)

// ListEventFeeds hands the connector one list_event_feeds task, waits up
// to timeout for it to finish OK and returns the feeds it listed.
func (s *Service) ListEventFeeds(t testing.TB, c1 *c1fake.Server, timeout time.Duration) []*v2.EventFeedMetadata {
	t.Helper()
	id := c1.Enqueue(c1fake.ListEventFeedsTask())[0]
	f := s.WaitFinished(t, c1, id, timeout)
	if !f.OK {
		t.Fatalf("list_event_feeds task: got %s, want success\nstderr:\n%s", f, Tail(s.Stderr(), 4000))
	}
	var resp v2.ListEventFeedsResponse
	if err := f.UnmarshalResponse(&resp); err != nil {
		t.Fatal(err)
	}
	return resp.GetList()
}

// ListEvents hands the connector one list_events task (see
// c1fake.ListEventsTask), waits up to timeout for it to finish OK and
// returns the page it served: its events, the cursor of the next task and
// whether more is waiting.
func (s *Service) ListEvents(t testing.TB, c1 *c1fake.Server, feedID, cursor string, startAt time.Time, pageSize uint32, timeout time.Duration) *v2.ListEventsResponse {
	t.Helper()
	id := c1.Enqueue(c1fake.ListEventsTask(feedID, cursor, startAt, pageSize))[0]
	f := s.WaitFinished(t, c1, id, timeout)
	if !f.OK {
		t.Fatalf("list_events task: got %s, want success\nstderr:\n%s", f, Tail(s.Stderr(), 4000))
	}
	var resp v2.ListEventsResponse
	if err := f.UnmarshalResponse(&resp); err != nil {
		t.Fatal(err)
	}
	return &resp
}
