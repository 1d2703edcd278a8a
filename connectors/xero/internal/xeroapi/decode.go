package xeroapi

// decode.go turns a 2xx body into Go values, and any mismatch into a
// httpx.MalformedError (code Internal: the run ends at once instead of the SDK
// retrying a body that will not change) that names the field.

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// decode unmarshals raw into out. On failure the error names the JSON
// field that did not fit (with the index of the list element, when the
// value is a list), never the value: bodies may hold personal data.
func decode(raw []byte, out any) error {
	err := json.Unmarshal(raw, out)
	if err == nil {
		return nil
	}
	if where := findBadField(raw, reflect.TypeOf(out).Elem(), ""); where != "" {
		return fmt.Errorf("field %s does not have the expected type: %s", where, describe(err))
	}
	return errors.New(describe(err))
}

// describe says what is wrong without quoting values.
func describe(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("not valid JSON (syntax error at byte %d)", se.Offset)
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("field %s is a JSON %s, want %s", te.Field, te.Value, te.Type)
		}
		return fmt.Sprintf("a JSON %s where %s was expected", te.Value, te.Type)
	default:
		return err.Error()
	}
}

// findBadField walks raw along typ and returns the path of the first
// field (or element) that does not decode, "" if it cannot tell.
func findBadField(raw []byte, typ reflect.Type, path string) string {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if json.Unmarshal(raw, reflect.New(typ).Interface()) == nil {
		return ""
	}
	switch typ.Kind() {
	case reflect.Struct:
		if reflect.PointerTo(typ).Implements(reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()) {
			return path // a value type with its own decoding (a date)
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) != nil {
			return orRoot(path)
		}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if name == "" {
				name = f.Name
			}
			for key, v := range fields {
				if strings.EqualFold(key, name) {
					if bad := findBadField(v, f.Type, join(path, key)); bad != "" {
						return bad
					}
				}
			}
		}
		return orRoot(path)
	case reflect.Slice:
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			return orRoot(path)
		}
		for i, el := range elems {
			if bad := findBadField(el, typ.Elem(), fmt.Sprintf("%s[%d]", path, i)); bad != "" {
				return bad
			}
		}
		return orRoot(path)
	default:
		return orRoot(path)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orRoot(path string) string {
	if path == "" {
		return "(the whole body)"
	}
	return path
}
