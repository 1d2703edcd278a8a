package workatoapi

import (
	"fmt"
	"sort"
	"strings"
)

// DataCenters maps each data center to the base URL of its API, as
// Workato documents them. "uk" is the one host no vendor page confirms.
var DataCenters = map[string]string{
	"us":    "https://www.workato.com",
	"eu":    "https://app.eu.workato.com",
	"jp":    "https://app.jp.workato.com",
	"sg":    "https://app.sg.workato.com",
	"au":    "https://app.au.workato.com",
	"il":    "https://app.il.workato.com",
	"kr":    "https://app.kr.workato.com",
	"cn":    "https://app.workatoapp.cn",
	"uk":    "https://app.uk.workato.com",
	"trial": "https://app.trial.workato.com",
}

// DataCenterNames lists the data centers, sorted.
func DataCenterNames() []string {
	names := make([]string, 0, len(DataCenters))
	for n := range DataCenters {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// BaseURL returns the API base URL of a data center.
func BaseURL(dataCenter string) (string, error) {
	u, ok := DataCenters[strings.ToLower(strings.TrimSpace(dataCenter))]
	if !ok {
		return "", fmt.Errorf("unknown data center %q: use one of %s (the host of your Workato URL: www.workato.com is us, app.eu.workato.com is eu, ...)",
			dataCenter, strings.Join(DataCenterNames(), ", "))
	}
	return u, nil
}
