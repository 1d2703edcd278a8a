package workatoapi

// Envelopes: the list and single-object answer shapes Workato uses, and
// the shapes tolerated where its documentation is thin, decoded in one place
// so every endpoint refuses a wrong answer the same way.

import (
	"bytes"
	"encoding/json"
	"errors"
)

// dataList decodes a list answer in the RBAC 2.0 shape
// {"data":[…],"total":N,"page":{…}}; a missing total is NoTotal, and a bare
// JSON array is tolerated as a list without total. An object without a
// "data" list is a MalformedError: it is never read as an empty list.
func dataList[T any](method, route string, raw json.RawMessage) ([]T, int, error) {
	if isArray(raw) {
		var items []T
		if err := decode(method, route, raw, &items); err != nil {
			return nil, 0, err
		}
		return items, NoTotal, nil
	}
	var env struct {
		Data  *[]T `json:"data"`
		Total *int `json:"total"`
	}
	if err := decode(method, route, raw, &env); err != nil {
		return nil, 0, err
	}
	if env.Data == nil {
		return nil, 0, malformed(method, route, errors.New(`response has no "data" list`))
	}
	return *env.Data, totalOf(env.Total), nil
}

// resultList decodes a list answer in the shape of the API-client
// endpoints, {"result":{"count":N,"items":[…]}}, and tolerates
// {"data":[…],"total":N} and a bare array (no total) as well. Anything
// else is a MalformedError.
func resultList[T any](method, route string, raw json.RawMessage) ([]T, int, error) {
	if isArray(raw) {
		return dataList[T](method, route, raw)
	}
	var env struct {
		Result *struct {
			Count *int `json:"count"`
			Items *[]T `json:"items"`
		} `json:"result"`
		Data  *[]T `json:"data"`
		Total *int `json:"total"`
	}
	if err := decode(method, route, raw, &env); err != nil {
		return nil, 0, err
	}
	switch {
	case env.Result != nil && env.Result.Items != nil:
		return *env.Result.Items, totalOf(env.Result.Count), nil
	case env.Result != nil:
		return nil, 0, malformed(method, route, errors.New(`response has a "result" without an "items" list`))
	case env.Data != nil:
		return *env.Data, totalOf(env.Total), nil
	}
	return nil, 0, malformed(method, route, errors.New(`response has neither "result.items" nor a "data" list`))
}

// dataOne decodes a single object answered as {"data":{…}} or bare. ok
// says whether it held one: an object whose ID is set. A wrongly typed
// field is a MalformedError.
func dataOne[T any](method, route string, raw json.RawMessage, id func(*T) ID) (*T, bool, error) {
	if !isObject(raw) {
		return nil, false, nil
	}
	var env struct {
		Data *json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err == nil && env.Data != nil && isObject(*env.Data) {
		var v struct {
			Data T `json:"data"`
		}
		if err := decode(method, route, raw, &v); err != nil {
			return nil, false, err
		}
		return &v.Data, !id(&v.Data).IsZero(), nil
	}
	var v T
	if err := decode(method, route, raw, &v); err != nil {
		return nil, false, err
	}
	return &v, !id(&v).IsZero(), nil
}

func isArray(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '['
}

func isObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}
