package workato

// envClient is the API client of one Workato environment: the DEV client
// (collaborator endpoints answer only it) and optional clients of other
// environments, each seeing only its own environment's projects.
type envClient struct {
	Env string
	API api
}
