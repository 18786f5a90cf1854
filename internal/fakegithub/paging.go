package fakegithub

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// GitHub pages every list the same way, and so does the fake: page and
// per_page (defaults 1 and 30, per_page at most 100), and a Link header
// with the prev, next, last and first pages that exist, whose URLs keep
// the request's other parameters. fakePage refuses a bad page or per_page
// with GitHub's 422; paginate, for the lists that predate that check,
// reads one as the default.

// pageBounds is the slice of a list one page covers.
type pageBounds struct{ start, end int }

// pageParams reads page and per_page; bad is GitHub's message for a bad
// one, "" when both are fine.
func pageParams(q url.Values) (page, perPage int, bad string) {
	page, perPage = 1, 30
	for _, p := range []struct {
		name string
		dst  *int
	}{{"page", &page}, {"per_page", &perPage}} {
		if v := q.Get(p.name); v != "" {
			n, convErr := strconv.Atoi(v)
			if convErr != nil || n < 1 {
				return 1, 30, fmt.Sprintf("Invalid request.\n\nInvalid property /%s: `%s` is not of type `integer`.", p.name, v)
			}
			*p.dst = n
		}
	}
	return page, min(perPage, 100), ""
}

// pageLinks sets the Link header of page for a list of total items, with
// URLs at linkBase, and returns the page's bounds.
func pageLinks(w http.ResponseWriter, q url.Values, linkBase string, page, perPage, total int) pageBounds {
	last := max((total+perPage-1)/perPage, 1)
	page = min(page, last+1) // past the end is an empty page, never an overflow
	var links []string
	link := func(n int, rel string) {
		q.Set("page", strconv.Itoa(n))
		q.Set("per_page", strconv.Itoa(perPage))
		links = append(links, fmt.Sprintf("<%s?%s>; rel=%q", linkBase, q.Encode(), rel))
	}
	if page > 1 {
		link(page-1, "prev")
	}
	if page < last {
		link(page+1, "next")
		link(last, "last")
	}
	if page > 1 {
		link(1, "first")
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	start := min((page-1)*perPage, total)
	return pageBounds{start: start, end: min(start+perPage, total)}
}

// fakePage pages a list of total items at the request's own path; a bad
// parameter is answered with a 422 and ok false.
func fakePage(w http.ResponseWriter, r *http.Request, total int) (b pageBounds, ok bool) {
	page, perPage, bad := pageParams(r.URL.Query())
	if bad != "" {
		writeError(w, http.StatusUnprocessableEntity, bad, "https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api")
		return b, false
	}
	return pageLinks(w, r.URL.Query(), apiURL+path.Clean(r.URL.Path), page, perPage, total), true
}

// paginate cuts items to the page the request asks for, with Link URLs at
// linkBase (GitHub writes some with the repository's id); a bad parameter
// reads as the default.
func paginate[T any](w http.ResponseWriter, r *http.Request, linkBase string, items []T) []T {
	page, perPage, _ := pageParams(r.URL.Query())
	b := pageLinks(w, r.URL.Query(), linkBase, page, perPage, len(items))
	return items[b.start:b.end]
}
