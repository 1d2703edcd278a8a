//go:build race

package workatofake

// raceEnabled lets timing assertions allow for the race detector's slowdown.
const raceEnabled = true
