package github

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// DefaultMaxResponseBytes is the most ghmcp reads of one answer from GitHub
// (JSON, diff, log, file) unless Options.MaxResponseBytes says otherwise
// (flag --max-response-bytes). GitHub's own limits are far below: a diff
// is served up to a few MB, a file through the contents API up to 1 MB
// (100 MB raw), a tree up to 7 MB. Decoding an answer takes about three
// times its size (go-github's decoder doubles its buffer, then the values
// and the garbage): measured with scripts/rss.sh, a 32 MiB cap let the
// process reach 114 MB, 16 MiB keeps it near 60 MB.
const DefaultMaxResponseBytes = 16 << 20

// DefaultMaxErrorBytes is the most ghmcp reads of an error answer (4xx,
// 5xx) unless Options.MaxErrorBytes says otherwise: GitHub's error
// documents are a few hundred bytes.
const DefaultMaxErrorBytes = 1 << 20

// MaxListItems is what a list answer is trimmed to when the request named
// no per_page: GitHub serves at most 1,000 entries unpaged (a directory).
const MaxListItems = 1000

// ErrResponseTooLarge is wrapped by every *TooLargeError.
var ErrResponseTooLarge = errors.New("GitHub's answer is over ghmcp's size limit")

// TooLargeError fails a call whose answer is longer than the limit. The
// rest of the answer is not read and its connection is closed.
type TooLargeError struct {
	Method, Path string
	Limit        int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("GitHub's answer to %s %s is over the %s limit of ghmcp (--max-response-bytes), so it was not read; ask for less: a smaller per_page, a narrower query, a path, or a line range", e.Method, e.Path, byteSize(e.Limit))
}

// Unwrap makes errors.Is(err, ErrResponseTooLarge) true.
func (e *TooLargeError) Unwrap() error { return ErrResponseTooLarge }

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// capBody bounds what is read of every answer: a body over max fails its
// reader with a *TooLargeError (at once when Content-Length says so), and
// the connection is closed, not drained. An error answer (4xx, 5xx) is read
// here, up to maxErr; a longer one is replaced by a short GitHub-style
// error document saying so, keeping status and headers for the layers
// above (the limiter reads them).
type capBody struct {
	next        http.RoundTripper
	max, maxErr int64
}

func (t capBody) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.Body == nil || resp.Body == http.NoBody {
		return resp, err
	}
	tooLarge := &TooLargeError{Method: req.Method, Path: req.URL.EscapedPath(), Limit: t.max}
	if resp.StatusCode >= 400 {
		b, err := io.ReadAll(io.LimitReader(resp.Body, t.maxErr+1))
		resp.Body.Close()
		if int64(len(b)) > t.maxErr || err != nil {
			b, _ = json.Marshal(map[string]string{"message": fmt.Sprintf("GitHub answered %s with an error document over %s; ghmcp did not read it", resp.Status, byteSize(t.maxErr))})
			resp.Header.Set("Content-Type", "application/json; charset=utf-8")
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		resp.ContentLength = int64(len(b))
		resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return resp, nil
	}
	lr := &limitedBody{body: resp.Body, left: t.max, err: tooLarge}
	if resp.ContentLength > t.max {
		lr.fail()
	}
	resp.Body = lr
	return resp, nil
}

// CapBody bounds a body read outside the client's transport stack (a log
// or an archive downloaded from the storage host GitHub redirects to, with
// another http.Client): past max bytes its reads fail with a
// *TooLargeError naming method and path, and body is closed, dropping the
// connection.
func CapBody(body io.ReadCloser, max int64, method, path string) io.ReadCloser {
	return &limitedBody{body: body, left: max, err: &TooLargeError{Method: method, Path: path, Limit: max}}
}

// limitedBody reads up to left bytes of body and then fails with err,
// closing body so that its connection is dropped.
type limitedBody struct {
	mu     sync.Mutex
	body   io.ReadCloser
	left   int64
	err    error
	failed bool
	closed bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failed {
		return 0, b.err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.body.Read(p)
	if int64(n) > b.left {
		b.failLocked()
		return int(b.left), b.err
	}
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) fail() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failLocked()
}

func (b *limitedBody) failLocked() {
	b.failed = true
	if !b.closed {
		b.closed = true
		b.body.Close()
	}
}

func (b *limitedBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	return b.body.Close()
}

// trimLists passes on no more items than a list request asked for: a GET
// answered 2xx with JSON is cut to the request's per_page items (or
// MaxListItems without per_page) when it is an array, and, when it is an
// object and the request named per_page, so is every array among its
// top-level fields (search "items", "workflow_runs", a commit's "files").
// An array answer is not read beyond what is kept; its connection is
// dropped. Everything else passes unchanged.
type trimLists struct{ next http.RoundTripper }

func (t trimLists) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || req.Method != http.MethodGet || resp.StatusCode/100 != 2 || resp.Body == nil ||
		!strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return resp, err
	}
	perPage, _ := strconv.Atoi(req.URL.Query().Get("per_page"))
	br := bufio.NewReader(resp.Body)
	if first := firstByte(br); first != '[' && (first != '{' || perPage <= 0) {
		// Nothing to trim: stream it as it comes.
		resp.Body = struct {
			io.Reader
			io.Closer
		}{br, resp.Body}
		return resp, nil
	}
	b, err := TrimList(br, perPage)
	resp.Body.Close()
	if err != nil {
		resp.Body = io.NopCloser(errReader{err})
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
	return resp, nil
}

// firstByte returns the first byte of r that is not JSON white space,
// without consuming it; 0 if there is none.
func firstByte(r *bufio.Reader) byte {
	for i := 1; ; i++ {
		b, err := r.Peek(i)
		if len(b) < i {
			return 0
		}
		switch c := b[i-1]; c {
		case ' ', '\t', '\r', '\n':
			if err != nil {
				return 0
			}
		default:
			return c
		}
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// TrimList reads a JSON answer and returns it with at most perPage items:
// an array is cut to perPage items (MaxListItems when perPage is not
// positive) and not read further; in an object, with perPage positive,
// every array-valued top-level field is. A body that is not JSON is
// returned as read. Callers reading JSON lists outside the client (a tool
// decoding a body itself) call it the same way.
func TrimList(r io.Reader, perPage int) ([]byte, error) {
	var raw bytes.Buffer
	dec := json.NewDecoder(io.TeeReader(r, &raw))
	tok, err := dec.Token()
	if err != nil {
		return readRest(&raw, r, err)
	}
	switch tok {
	case json.Delim('['):
		n := perPage
		if n <= 0 {
			n = MaxListItems
		}
		end, full, err := trimArray(dec, n)
		if err != nil {
			return readRest(&raw, r, err)
		}
		if !full {
			return append(raw.Bytes()[:end:end], ']'), nil
		}
		_, err = io.Copy(io.Discard, r) // keep the connection reusable
		return raw.Bytes()[:dec.InputOffset()], err
	case json.Delim('{'):
		if perPage <= 0 {
			return readRest(&raw, r, nil)
		}
		var cuts [][2]int64 // byte ranges to drop
		for dec.More() {
			if _, err := dec.Token(); err != nil { // the key
				return readRest(&raw, r, err)
			}
			v, err := dec.Token()
			if err != nil {
				return readRest(&raw, r, err)
			}
			switch v {
			case json.Delim('['):
				end, full, err := trimArray(dec, perPage)
				if err != nil {
					return readRest(&raw, r, err)
				}
				if !full {
					for dec.More() {
						if err := dec.Decode(&discard{}); err != nil {
							return readRest(&raw, r, err)
						}
					}
					if _, err := dec.Token(); err != nil {
						return readRest(&raw, r, err)
					}
					cuts = append(cuts, [2]int64{end, dec.InputOffset() - 1})
				}
			case json.Delim('{'):
				if err := skipValue(dec, 1); err != nil {
					return readRest(&raw, r, err)
				}
			}
		}
		if _, err := dec.Token(); err != nil {
			return readRest(&raw, r, err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			return nil, err
		}
		b := raw.Bytes()[:dec.InputOffset()]
		if len(cuts) == 0 {
			return b, nil
		}
		out := make([]byte, 0, len(b))
		from := int64(0)
		for _, c := range cuts {
			out = append(out, b[from:c[0]]...)
			from = c[1]
		}
		return append(out, b[from:]...), nil
	}
	return readRest(&raw, r, nil)
}

// trimArray reads the elements of an array whose '[' was read, up to n.
// It returns the offset just after the last kept element (or after '['),
// and whether the array ended there (full); if not full, the decoder
// stands before the next element.
func trimArray(dec *json.Decoder, n int) (end int64, full bool, err error) {
	end = dec.InputOffset()
	for i := 0; dec.More(); i++ {
		if i == n {
			return end, false, nil
		}
		if err := dec.Decode(&discard{}); err != nil {
			return 0, false, err
		}
		end = dec.InputOffset()
	}
	_, err = dec.Token() // ']'
	return end, true, err
}

// skipValue reads tokens until depth nested delimiters are closed.
func skipValue(dec *json.Decoder, depth int) error {
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// readRest returns what was read and the rest of r: a body this package
// does not trim passes as it came (a read error, such as a
// *TooLargeError, fails the call).
func readRest(raw *bytes.Buffer, r io.Reader, decErr error) ([]byte, error) {
	var tl *TooLargeError
	if errors.As(decErr, &tl) {
		return nil, decErr
	}
	if _, err := io.Copy(raw, r); err != nil {
		return nil, err
	}
	return raw.Bytes(), nil
}

// discard decodes any JSON value into nothing.
type discard struct{}

func (*discard) UnmarshalJSON([]byte) error { return nil }
