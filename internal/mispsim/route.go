package mispsim

import (
	"mime"
	"strconv"
	"strings"
)

// route is a request path split the way CakePHP 2 routes it:
// [/admin]/controller/action/positional.../name:value....
type route struct {
	admin      bool
	controller string
	action     string
	params     []string
	named      map[string]string
	// jsonSuffix is true when the path ended in ".json", which makes the
	// request an API request without an Accept header.
	jsonSuffix bool
	// pattern names the endpoint for counts and faults, with {id} for each
	// positional parameter and named parameters left out, for example
	// "/organisations/view/{id}".
	pattern string
}

func parseRoute(path string) route {
	var rt route
	if trimmed, ok := strings.CutSuffix(path, ".json"); ok {
		path = trimmed
		rt.jsonSuffix = true
	}
	var segments []string
	for _, segment := range strings.Split(path, "/") {
		if segment != "" {
			segments = append(segments, segment)
		}
	}
	if len(segments) > 0 && segments[0] == "admin" {
		rt.admin = true
		segments = segments[1:]
	}
	if len(segments) > 0 {
		rt.controller = segments[0]
		segments = segments[1:]
	}
	rt.action = "index"
	if len(segments) > 0 && !strings.Contains(segments[0], ":") {
		rt.action = segments[0]
		segments = segments[1:]
	}
	for _, segment := range segments {
		if name, value, ok := strings.Cut(segment, ":"); ok {
			if rt.named == nil {
				rt.named = make(map[string]string)
			}
			rt.named[name] = value
			continue
		}
		rt.params = append(rt.params, segment)
	}

	var b strings.Builder
	if rt.admin {
		b.WriteString("/admin")
	}
	b.WriteString("/" + rt.controller + "/" + rt.action)
	for range rt.params {
		b.WriteString("/{id}")
	}
	rt.pattern = b.String()
	return rt
}

// key returns the endpoint table key, for example "admin/users/add".
// PHP method names are case-insensitive, so MISP's actions are too.
func (rt route) key() string {
	key := strings.ToLower(rt.controller + "/" + rt.action)
	if rt.admin {
		key = "admin/" + key
	}
	return key
}

// param returns the i-th positional parameter, or "".
func (rt route) param(i int) string {
	if i < len(rt.params) {
		return rt.params[i]
	}
	return ""
}

// responseFormat is the form in which MISP would respond to a request.
type responseFormat int

const (
	// formatWeb is a browser request: MISP redirects it to the login page
	// even with a valid key.
	formatWeb responseFormat = iota
	formatJSON
	formatXML
)

// negotiate decides the response format from the .json suffix and the Accept
// header. MISP treats a request as an API call when Accept is
// application/json (parameters allowed), or when the highest-priority
// media types of an Accept list hold no text/html and name JSON before
// XML. Accept: */*, text/html and a missing header give the web response.
func negotiate(rt route, accept string) responseFormat {
	if rt.jsonSuffix {
		return formatJSON
	}
	type choice struct {
		media string
		q     float64
	}
	var choices []choice
	best := -1.0
	for _, part := range strings.Split(accept, ",") {
		media, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if value, ok := params["q"]; ok {
			if parsed, err := strconv.ParseFloat(value, 64); err == nil {
				q = parsed
			}
		}
		choices = append(choices, choice{media, q})
		best = max(best, q)
	}
	for _, c := range choices {
		if c.q == best && c.media == "text/html" {
			return formatWeb
		}
	}
	for _, c := range choices {
		if c.q != best {
			continue
		}
		switch c.media {
		case "application/json":
			return formatJSON
		case "application/xml", "text/xml":
			return formatXML
		}
	}
	return formatWeb
}
