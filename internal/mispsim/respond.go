package mispsim

import (
	"net/http"
	"strconv"
)

// MISP's own texts for the responses that more than one endpoint sends.
const (
	msgAuthFailed = "Authentication failed. Please make sure you pass the API key of an " +
		"API enabled user along in the Authorization header."
	msgDisabled      = "Authentication failed. Your user account has been disabled."
	msgNoPermission  = "You do not have permission to use this functionality."
	msgInternalError = "An Internal Error Has Occurred."
	msgNotFound      = "Not Found"
	msgBadIP         = "It is not possible to use this Auth key from your IP address"
	msgInvalidJSON   = "Invalid JSON input. Make sure that the JSON input is a correctly " +
		"formatted JSON string. This request has been blocked to avoid an unfiltered request."
)

const jsonContentType = "application/json; charset=UTF-8"

// writeBody sends a body with MISP's headers. MISP sets a CakePHP session
// cookie on every response; clients must not need it, and sending one lets
// tests show that they ignore it.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	header := w.Header()
	header.Set("Content-Type", contentType)
	header.Set("Content-Length", strconv.Itoa(len(body)))
	header.Add("Set-Cookie", "CAKEPHP=mispsim; path=/; HttpOnly; SameSite=Lax")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeJSON encodes v and sends it.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := appendJSON(nil, v)
	if err != nil {
		body = []byte(`{"name":"` + msgInternalError + `"}`)
		status = http.StatusInternalServerError
	}
	writeBody(w, status, jsonContentType, body)
}

// exceptionBody is the body CakePHP's exception renderer sends.
func exceptionBody(message, url string) object {
	return object{{"name", message}, {"message", message}, {"url", url}}
}

// redirect sends MISP's bare redirect: no body, text/html.
func redirect(w http.ResponseWriter, location string) {
	w.Header().Set("Location", location)
	writeBody(w, http.StatusFound, "text/html; charset=UTF-8", nil)
}

// json sends v with status.
func (c *call) json(status int, v any) {
	writeJSON(c.w, status, v)
}

// ok sends v with status 200.
func (c *call) ok(v any) {
	writeJSON(c.w, http.StatusOK, v)
}

// exception sends an exception with the request path as url.
func (c *call) exception(status int, message string) {
	writeJSON(c.w, status, exceptionBody(message, c.r.URL.Path))
}

func (c *call) notFound(message string) {
	c.exception(http.StatusNotFound, message)
}

func (c *call) methodNotAllowed(message string) {
	c.exception(http.StatusMethodNotAllowed, message)
}

// internalError sends MISP's 500, which it returns for database errors
// such as a value too long for its column.
func (c *call) internalError() {
	c.exception(http.StatusInternalServerError, msgInternalError)
}

// actionURL builds the url member of save responses: /admin prefix for admin
// actions, then controller, action and the id when there is one.
func (c *call) actionURL(action, id string) string {
	url := "/" + c.route.controller + "/" + action
	if c.route.admin {
		url = "/admin" + url
	}
	if id != "" {
		url += "/" + id
	}
	return url
}

// saveFail sends MISP's saveFailResponse: 403 with saved:false and errors
// in whichever shape the endpoint uses. An empty id leaves the id member
// out.
func (c *call) saveFail(message, url, id string, errors any) {
	body := object{{"saved", false}, {"name", message}, {"message", message}, {"url", url},
		{"errors", errors}}
	if id != "" {
		body = body.with("id", id)
	}
	c.json(http.StatusForbidden, body)
}

// saveSuccess sends MISP's saveSuccessResponse. id is usually a string,
// but auth_keys/delete sends a number.
func (c *call) saveSuccess(message, url string, id any) {
	body := object{{"saved", true}, {"success", true}, {"name", message}, {"message", message},
		{"url", url}}
	if id != nil {
		body = body.with("id", id)
	}
	c.ok(body)
}

// fieldErrors collects model validation messages per field, in the order
// they were found, and encodes as {"field":["message",...]}.
type fieldErrors struct {
	order []string
	msgs  map[string][]string
}

func (e *fieldErrors) add(field, message string) {
	if e.msgs == nil {
		e.msgs = make(map[string][]string)
	}
	if _, seen := e.msgs[field]; !seen {
		e.order = append(e.order, field)
	}
	e.msgs[field] = append(e.msgs[field], message)
}

func (e *fieldErrors) empty() bool {
	return len(e.order) == 0
}

func (e *fieldErrors) object() object {
	o := make(object, 0, len(e.order))
	for _, field := range e.order {
		o = o.with(field, e.msgs[field])
	}
	return o
}

// describe sends the self-description MISP returns for GET on add and edit
// endpoints.
func (c *call) describe(path, description string, mandatory, optional []string) {
	c.ok(object{
		{"name", path + " API description"},
		{"description", description},
		{"mandatory_fields", mandatory},
		{"optional_fields", optional},
		{"url", path},
	})
}
