//go:build !race

package workatofake

const raceEnabled = false
