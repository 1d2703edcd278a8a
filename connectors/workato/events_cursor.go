package workato

// The activity feed's cursor: per environment a high-water mark (the
// newest entry's time and ID, and the IDs read at that time) and the
// window being read (from the mark to the time it was opened, paged with
// page[after]). It is JSON, at most maxFeedCursorBytes (the SDK's limit).
// Times are Unix milliseconds, Workato's own precision.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
)

// maxFeedCursorBytes is ListEventsRequest.cursor's limit in baton-sdk.
const maxFeedCursorBytes = 4096

// feedCursorVersion changes when the cursor's meaning does.
const feedCursorVersion = 1

type feedCursor struct {
	V    int                   `json:"v"`
	Envs map[string]*envCursor `json:"envs,omitempty"`
}

type envCursor struct {
	// The high-water mark: entries up to HW are read.
	HW   int64         `json:"hw"`             // newest entry time read (ms); the next window starts here
	HWID workatoapi.ID `json:"hw_id,omitzero"` // that entry's ID
	Seen idSet         `json:"seen,omitempty"` // IDs read at HW, dropped when read again

	// The open window, while its pages are read.
	From  int64         `json:"from,omitzero"`   // window start (ms, inclusive)
	To    int64         `json:"to,omitzero"`     // window end (ms); 0 = no window open
	After workatoapi.ID `json:"after,omitzero"`  // page[after] of the next page
	Prior idSet         `json:"prior,omitempty"` // Seen when the window opened

	// Done: this environment read to a short page in the current round.
	Done bool `json:"done,omitempty"`
}

func decodeFeedCursor(raw string) (*feedCursor, error) {
	c := &feedCursor{V: feedCursorVersion, Envs: map[string]*envCursor{}}
	if raw == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(raw), c); err != nil || c.V != feedCursorVersion {
		return nil, &codeError{code: codes.InvalidArgument, msg: "workato: the event feed cursor is not one this connector wrote; start again without it"}
	}
	if c.Envs == nil {
		c.Envs = map[string]*envCursor{}
	}
	return c, nil
}

// env returns the state of env, new at start when the cursor has none.
func (c *feedCursor) env(env string, start time.Time) *envCursor {
	ec, ok := c.Envs[env]
	if !ok {
		ec = &envCursor{HW: start.UnixMilli()}
		c.Envs[env] = ec
	}
	return ec
}

// endRound starts the next round: every environment reads again.
func (c *feedCursor) endRound() {
	for _, ec := range c.Envs {
		ec.Done = false
	}
}

// encode writes the cursor, keeping fewer seen IDs if it would be longer
// than the SDK allows.
func (c *feedCursor) encode(maxSeen int) (string, error) {
	for keep := maxSeen; ; keep /= 2 {
		for _, ec := range c.Envs {
			ec.Seen = lastN(ec.Seen, keep)
			ec.Prior = lastN(ec.Prior, keep)
		}
		b, err := json.Marshal(c)
		if err != nil {
			return "", fmt.Errorf("workato: encode the event feed cursor: %w", err)
		}
		if len(b) <= maxFeedCursorBytes {
			return string(b), nil
		}
		if keep == 0 {
			return "", &codeError{code: codes.Internal, msg: fmt.Sprintf("workato: the event feed cursor of %d environments needs %d bytes, over the SDK's %d", len(c.Envs), len(b), maxFeedCursorBytes)}
		}
	}
}

func lastN(ids idSet, n int) idSet {
	if len(ids) <= n {
		return ids
	}
	return slices.Clone(ids[len(ids)-n:])
}

// open starts a window from the high-water mark to now, unless one is open.
func (ec *envCursor) open(now time.Time) {
	if ec.To != 0 {
		return
	}
	ec.From, ec.To, ec.After = ec.HW, max(now.UnixMilli(), ec.HW), ""
	ec.Prior = slices.Clone(ec.Seen)
}

// window is the open window's bounds.
func (ec *envCursor) window() (from, to time.Time) {
	return time.UnixMilli(ec.From).UTC(), time.UnixMilli(ec.To).UTC()
}

// take returns the entries of a page not read before and inside the
// window (the filter is repeated here in case the server ignored it), and
// moves the high-water mark over them.
func (ec *envCursor) take(entries []workatoapi.ActivityEntry, maxSeen int) []workatoapi.ActivityEntry {
	out := make([]workatoapi.ActivityEntry, 0, len(entries))
	for _, a := range entries {
		if a.ID.IsZero() || slices.Contains(ec.Prior, a.ID) || slices.Contains(ec.Seen, a.ID) {
			continue
		}
		t := a.CreatedAt.UnixMilli()
		if a.CreatedAt.IsZero() || t < ec.From || t > ec.To {
			continue
		}
		switch {
		case t > ec.HW:
			ec.HW, ec.HWID, ec.Seen = t, a.ID, idSet{a.ID}
		case t == ec.HW:
			ec.HWID = a.ID
			ec.Seen = lastN(append(ec.Seen, a.ID), maxSeen)
		}
		out = append(out, a)
	}
	return out
}

// pageDone reports whether the page ends the window: short, empty, or no
// further along than the last one (a server ignoring page[after]).
// Otherwise it moves page[after] to the page's last entry.
func (ec *envCursor) pageDone(entries []workatoapi.ActivityEntry, size int) bool {
	if len(entries) < size {
		return true
	}
	last := entries[len(entries)-1].ID
	if last.IsZero() || last == ec.After {
		return true
	}
	ec.After = last
	return false
}

// close ends the window; the environment is done for this round.
func (ec *envCursor) close() {
	ec.From, ec.To, ec.After, ec.Prior = 0, 0, "", nil
	ec.Done = true
}

// abandon gives up the window of an environment whose log cannot be read;
// its high-water mark stays, so a later round resumes there.
func (ec *envCursor) abandon() { ec.close() }

// idSet is a list of log IDs, written compactly: runs of consecutive
// integers (Workato's log IDs are integers) as "first~last", anything else
// as itself. A burst of entries in one millisecond then costs a few bytes.
type idSet []workatoapi.ID

// maxIDRun bounds a run read back, so a forged cursor cannot make the
// feed allocate without limit.
const maxIDRun = 100000

func (s idSet) MarshalJSON() ([]byte, error) {
	var nums []int64
	var out []string
	for _, id := range s {
		n, err := strconv.ParseInt(id.String(), 10, 64)
		if err != nil || n < 0 || strconv.FormatInt(n, 10) != id.String() {
			out = append(out, id.String())
			continue
		}
		nums = append(nums, n)
	}
	slices.Sort(nums)
	nums = slices.Compact(nums)
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 && nums[j+1]-nums[i] < maxIDRun {
			j++
		}
		if j == i {
			out = append(out, strconv.FormatInt(nums[i], 10))
		} else {
			out = append(out, strconv.FormatInt(nums[i], 10)+"~"+strconv.FormatInt(nums[j], 10))
		}
		i = j + 1
	}
	return json.Marshal(out)
}

func (s *idSet) UnmarshalJSON(b []byte) error {
	var in []string
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	out := idSet{}
	for _, v := range in {
		lo, hi, ok := strings.Cut(v, "~")
		a, errA := strconv.ParseInt(lo, 10, 64)
		z, errZ := strconv.ParseInt(hi, 10, 64)
		if !ok || errA != nil || errZ != nil || a < 0 || z < a {
			out = append(out, workatoapi.ID(v))
			continue
		}
		if z-a >= maxIDRun {
			return fmt.Errorf("ID run %s is longer than %d", v, maxIDRun)
		}
		for n := a; n <= z; n++ {
			out = append(out, workatoapi.ID(strconv.FormatInt(n, 10)))
		}
	}
	*s = out
	return nil
}
