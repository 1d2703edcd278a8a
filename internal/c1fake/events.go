package c1fake

// events.go: the event-feed tasks ConductorOne hands a connector in
// service mode: list_event_feeds (which feeds exist) and list_events (one
// page of one feed per task; ConductorOne keeps the cursor between tasks).

import (
	"time"

	v1 "github.com/conductorone/baton-sdk/pb/c1/connectorapi/baton/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// ListEventFeedsTask asks the connector which event feeds it has.
func ListEventFeedsTask() *v1.Task {
	return v1.Task_builder{
		Id:             NewTaskID(),
		Status:         v1.Task_STATUS_PENDING,
		ListEventFeeds: v1.Task_ListEventFeedsTask_builder{}.Build(),
	}.Build()
}

// ListEventsTask asks for one page of feedID: from cursor when it is not
// "", else from startAt (zero: unset, the connector chooses), at most
// pageSize events (0: the connector chooses).
func ListEventsTask(feedID, cursor string, startAt time.Time, pageSize uint32) *v1.Task {
	b := v1.Task_ListEventsTask_builder{EventFeedId: feedID, Cursor: cursor, PageSize: pageSize}
	if !startAt.IsZero() {
		b.StartAt = timestamppb.New(startAt)
	}
	return v1.Task_builder{Id: NewTaskID(), Status: v1.Task_STATUS_PENDING, ListEvents: b.Build()}.Build()
}
