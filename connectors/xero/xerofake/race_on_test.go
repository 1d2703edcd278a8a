//go:build race

package xerofake

// raceEnabled lets timing assertions allow for the race detector's slowdown.
const raceEnabled = true
