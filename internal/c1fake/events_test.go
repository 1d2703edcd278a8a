package c1fake_test

import (
	"context"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/tasks"
	taskTypes "github.com/conductorone/baton-sdk/pkg/types/tasks"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/accessgov/baton-connectors/internal/c1fake"
)

// eventsConnector answers the event-feed calls: one feed, and a page of
// one event whose cursor counts the calls.
type eventsConnector struct {
	fakeConnector
	requests []*v2.ListEventsRequest
}

func (f *eventsConnector) ListEventFeeds(context.Context, *v2.ListEventFeedsRequest, ...grpc.CallOption) (*v2.ListEventFeedsResponse, error) {
	return v2.ListEventFeedsResponse_builder{List: []*v2.EventFeedMetadata{v2.EventFeedMetadata_builder{
		Id: "feed", SupportedEventTypes: []v2.EventType{v2.EventType_EVENT_TYPE_USAGE},
	}.Build()}}.Build(), nil
}

func (f *eventsConnector) ListEvents(_ context.Context, req *v2.ListEventsRequest, _ ...grpc.CallOption) (*v2.ListEventsResponse, error) {
	f.requests = append(f.requests, req)
	ev := v2.Event_builder{Id: "e" + req.GetCursor(), OccurredAt: timestamppb.New(time.Unix(1700000000, 0))}.Build()
	return v2.ListEventsResponse_builder{Events: []*v2.Event{ev}, Cursor: req.GetCursor() + "1", HasMore: true}.Build(), nil
}

func TestTasks_EventBuilders(t *testing.T) {
	start := time.Date(2026, 9, 2, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		task func() (taskTypes.TaskType, error)
		want taskTypes.TaskType
	}{
		{"list event feeds", func() (taskTypes.TaskType, error) {
			tk := c1fake.ListEventFeedsTask()
			return tasks.GetType(tk), tk.Validate()
		}, taskTypes.ListEventFeedsType},
		{"list events from a start", func() (taskTypes.TaskType, error) {
			tk := c1fake.ListEventsTask("feed", "", start, 50)
			if got := tk.GetListEvents().GetStartAt().AsTime(); !got.Equal(start) {
				t.Errorf("start at: got %s, want %s", got, start)
			}
			if got := tk.GetListEvents().GetPageSize(); got != 50 {
				t.Errorf("page size: got %d, want 50", got)
			}
			return tasks.GetType(tk), tk.Validate()
		}, taskTypes.ListEventsType},
		{"list events from a cursor", func() (taskTypes.TaskType, error) {
			tk := c1fake.ListEventsTask("feed", "c", time.Time{}, 0)
			if tk.GetListEvents().HasStartAt() || tk.GetListEvents().GetCursor() != "c" || tk.GetListEvents().GetEventFeedId() != "feed" {
				t.Errorf("list events task: got %v, want feed \"feed\", cursor \"c\", no start", tk.GetListEvents())
			}
			return tasks.GetType(tk), tk.Validate()
		}, taskTypes.ListEventsType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.task()
			if err != nil {
				t.Errorf("Validate: %v", err)
			}
			if got != tt.want {
				t.Errorf("type: got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestServer_SDKEventTasks: baton-sdk's own task manager serves a
// list_event_feeds task and two list_events tasks, each one page; the
// second carries the first's cursor, as ConductorOne would send it.
func TestServer_SDKEventTasks(t *testing.T) {
	needLinux(t)
	s := c1fake.Start(t, c1fake.Options{CA: testCA})
	cred, err := s.NewCredential("sdk-events")
	if err != nil {
		t.Fatal(err)
	}
	tm := sdkManager(t, s, cred)
	cc := &eventsConnector{}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := tm.Bootstrap(ctx, cc); err != nil {
		t.Fatalf("Bootstrap: %v", err)
	}
	process := func(id string) c1fake.Finish {
		t.Helper()
		task, _, err := tm.Next(ctx)
		if err != nil || task.GetId() != id {
			t.Fatalf("Next: got task %q, error %v; want %q", task.GetId(), err, id)
		}
		if err := tm.Process(ctx, task, cc); err != nil {
			t.Fatalf("Process: %v", err)
		}
		f, err := s.WaitFinished(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !f.OK {
			t.Fatalf("task: got %s, want OK", f)
		}
		return f
	}

	f := process(s.Enqueue(c1fake.ListEventFeedsTask())[0])
	var feeds v2.ListEventFeedsResponse
	if err := f.UnmarshalResponse(&feeds); err != nil {
		t.Fatal(err)
	}
	if len(feeds.GetList()) != 1 || feeds.GetList()[0].GetId() != "feed" {
		t.Fatalf("feeds: got %v, want the one feed \"feed\"", feeds.GetList())
	}

	cursor := ""
	for i, want := range []string{"e", "e1"} {
		f := process(s.Enqueue(c1fake.ListEventsTask("feed", cursor, time.Unix(1600000000, 0), 10))[0])
		var page v2.ListEventsResponse
		if err := f.UnmarshalResponse(&page); err != nil {
			t.Fatal(err)
		}
		if len(page.GetEvents()) != 1 || page.GetEvents()[0].GetId() != want || !page.GetHasMore() {
			t.Fatalf("page %d: got %v (has more %v), want one event %q and more", i, page.GetEvents(), page.GetHasMore(), want)
		}
		cursor = page.GetCursor()
	}
	if len(cc.requests) != 2 || cc.requests[1].GetCursor() != "1" || cc.requests[0].GetEventFeedId() != "feed" || cc.requests[0].GetPageSize() != 10 {
		t.Fatalf("connector requests: got %v, want two for feed \"feed\" at page size 10, the second from cursor \"1\"", cc.requests)
	}
}
