package misp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
)

// MISP returns CakePHP model arrays: a single record is an object keyed
// by model name ({"Organisation":{…}}), with related models as siblings,
// and a list is a JSON array of such objects. The helpers below check
// that shape before decoding, so a login page, an error object or a
// different MISP version fails with a clear message instead of yielding
// zero values.

// getObject runs a call and decodes a wrapped object: each name in
// wrappers must be a member of the top-level object and hold a JSON
// object. out receives the whole body.
func (c *Client) getObject(ctx context.Context, cl call, out any, wrappers ...string) error {
	resp, err := c.send(ctx, cl)
	if err != nil {
		return err
	}
	return c.decodeObject(cl, resp, out, wrappers...)
}

func (c *Client) decodeObject(cl call, resp *response, out any, wrappers ...string) error {
	members, err := topLevelObject(resp.body)
	if err != nil {
		return c.shapeError(cl, resp, "expected a JSON object, got %s", describeJSON(resp.body))
	}
	for _, name := range wrappers {
		if !isJSONObject(members[name]) {
			return c.shapeError(cl, resp, "expected a %q object, got an object with keys %s",
				name, memberNames(members))
		}
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return c.shapeError(cl, resp, "decode %s: %s", strings.Join(wrappers, "+"), typeErrorText(err))
	}
	return nil
}

// getList runs a call and decodes a JSON array whose every element
// holds the wrapper object.
func getList[T any](ctx context.Context, c *Client, cl call, wrapper string) ([]T, error) {
	resp, err := c.send(ctx, cl)
	if err != nil {
		return nil, err
	}

	var elements []json.RawMessage
	body := bytes.TrimSpace(resp.body)
	if len(body) == 0 || body[0] != '[' || json.Unmarshal(body, &elements) != nil {
		return nil, c.shapeError(cl, resp, "expected a JSON array of %q objects, got %s",
			wrapper, describeJSON(resp.body))
	}

	items := make([]T, 0, len(elements))
	for i, element := range elements {
		members, err := topLevelObject(element)
		if err != nil || !isJSONObject(members[wrapper]) {
			return nil, c.shapeError(cl, resp, "element %d of the list has no %q object", i, wrapper)
		}
		var item T
		if err := json.Unmarshal(element, &item); err != nil {
			return nil, c.shapeError(cl, resp, "decode element %d: %s", i, typeErrorText(err))
		}
		items = append(items, item)
	}
	return items, nil
}

func topLevelObject(data []byte) (map[string]json.RawMessage, error) {
	var members map[string]json.RawMessage
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil, errNotObject
	}
	if err := json.Unmarshal(data, &members); err != nil {
		return nil, err
	}
	return members, nil
}

var errNotObject = errors.New("not a JSON object")

func isJSONObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// describeJSON names the JSON type of a body without quoting values.
func describeJSON(data []byte) string {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return "an empty body"
	}
	switch data[0] {
	case '{':
		members, err := topLevelObject(data)
		if err != nil {
			return "a malformed object"
		}
		return "an object with keys " + memberNames(members)
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func memberNames(members map[string]json.RawMessage) string {
	names := make([]string, 0, len(members))
	for name := range members {
		names = append(names, name)
	}
	sort.Strings(names)
	return "[" + strings.Join(names, " ") + "]"
}

// typeErrorText describes a decoding error by field and type only:
// json.UnmarshalTypeError's own text is safe, but other errors can quote
// input, which may hold a key.
func typeErrorText(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return "field " + typeErr.Field + " holds a JSON " + typeErr.Value + ", expected " + typeErr.Type.String()
	}
	var intErr *integerError
	if errors.As(err, &intErr) {
		return intErr.Error()
	}
	return "the JSON does not match the expected types"
}
