package c1fake

// tasks.go: typed builders of the task protos the fake hands out, and the
// script (a queue) of tasks the test controls.

import (
	"crypto/rand"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	v1 "github.com/conductorone/baton-sdk/pb/c1/connectorapi/baton/v1"
)

// taskIDLength and taskIDAlphabet: the requests' validation rules want
// task IDs of 27 alphanumerics (ConductorOne uses KSUIDs).
const (
	taskIDLength   = 27
	taskIDAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// NewTaskID returns a fresh random task ID.
func NewTaskID() string {
	b := make([]byte, taskIDLength)
	_, _ = rand.Read(b) // never fails on supported platforms
	for i := range b {
		b[i] = taskIDAlphabet[int(b[i])%len(taskIDAlphabet)]
	}
	return string(b)
}

// SyncTask is a full sync.
func SyncTask() *v1.Task {
	return v1.Task_builder{Id: NewTaskID(), Status: v1.Task_STATUS_PENDING, SyncFull: v1.Task_SyncFullTask_builder{}.Build()}.Build()
}

// GrantTask grants ent to principal (both as a sync wrote them).
func GrantTask(ent *v2.Entitlement, principal *v2.Resource) *v1.Task {
	return v1.Task_builder{
		Id:     NewTaskID(),
		Status: v1.Task_STATUS_PENDING,
		Grant:  v1.Task_GrantTask_builder{Entitlement: ent, Principal: principal}.Build(),
	}.Build()
}

// RevokeTask revokes g (as a sync or a grant task's answer wrote it).
func RevokeTask(g *v2.Grant) *v1.Task {
	return v1.Task_builder{
		Id:     NewTaskID(),
		Status: v1.Task_STATUS_PENDING,
		Revoke: v1.Task_RevokeTask_builder{Grant: g}.Build(),
	}.Build()
}

// CreateAccountTask creates an account of resourceTypeID ("" lets the
// connector choose) from info.
func CreateAccountTask(info *v2.AccountInfo, resourceTypeID string) *v1.Task {
	return v1.Task_builder{
		Id:            NewTaskID(),
		Status:        v1.Task_STATUS_PENDING,
		CreateAccount: v1.Task_CreateAccountTask_builder{AccountInfo: info, ResourceTypeId: resourceTypeID}.Build(),
	}.Build()
}

// DeleteResourceTask deletes id; parent may be nil.
func DeleteResourceTask(id, parent *v2.ResourceId) *v1.Task {
	return v1.Task_builder{
		Id:             NewTaskID(),
		Status:         v1.Task_STATUS_PENDING,
		DeleteResource: v1.Task_DeleteResourceTask_builder{ResourceId: id, ParentResourceId: parent}.Build(),
	}.Build()
}

// Enqueue adds tasks to the end of the script; GetTask hands them out in
// order, one per call. It returns their IDs.
func (s *Server) Enqueue(tasks ...*v1.Task) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(tasks))
	for _, t := range tasks {
		s.queue = append(s.queue, t)
		ids = append(ids, t.GetId())
	}
	return ids
}

// Pending is how many enqueued tasks have not been handed out yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// take hands out up to n tasks from the front of the script.
func (s *Server) take(n int) []*v1.Task {
	s.mu.Lock()
	defer s.mu.Unlock()
	n = min(n, len(s.queue))
	out := s.queue[:n:n]
	s.queue = s.queue[n:]
	for _, t := range out {
		s.handedOut[t.GetId()] = t
	}
	return out
}
