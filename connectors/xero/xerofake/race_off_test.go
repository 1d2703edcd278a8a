//go:build !race

package xerofake

const raceEnabled = false
