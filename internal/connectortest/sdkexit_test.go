package connectortest

import "testing"

func TestSDKExitRaceCode(t *testing.T) {
	const logged = "2026-12-01T11:43:20.420Z\tERROR\tcli/commands.go:480\terror running connector\t{\"error\": \"…\"}\n"
	tests := []struct {
		name     string
		stderr   string
		wantCode int
		wantOK   bool
	}{
		{name: "Internal after the SDK logged the failure", stderr: logged + "runner: error processing task: rpc error: code = Internal desc = validate failed\n", wantCode: 13, wantOK: true},
		{name: "Unauthenticated", stderr: logged + "rpc error: code = Unauthenticated desc = 401\n", wantCode: 16, wantOK: true},
		{name: "an error without a gRPC code", stderr: logged + "open sync.c1z: permission denied\n", wantCode: 2, wantOK: true},
		{name: "a clean run", stderr: "2026-12-01T11:43:20.420Z\tINFO\tsync finished\n", wantOK: false},
		{name: "the failure line is a log record, not LogExit's", stderr: logged, wantOK: false},
		{name: "the SDK logged while closing after LogExit", stderr: logged + "rpc error: code = InvalidArgument desc = bad token\n" +
			"2026-12-01T14:44:48.862Z\tERROR\tconnector/connector.go:352\terror closing connector wrapper\t{\"error\": \"x\"}\n", wantCode: 3, wantOK: true},
		{name: "the run went on after the failure line", stderr: logged + "rpc error: code = Internal desc = x\n2026-12-01T11:43:20.420Z\tINFO\tsync finished\n", wantOK: false},
		{name: "no SDK failure logged", stderr: "rpc error: code = Internal desc = x\n", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, ok := sdkExitRaceCode(tt.stderr)
			if ok != tt.wantOK || (ok && code != tt.wantCode) {
				t.Fatalf("sdkExitRaceCode: got %d, %v; want %d, %v", code, ok, tt.wantCode, tt.wantOK)
			}
		})
	}
}
