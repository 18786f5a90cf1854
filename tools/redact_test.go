package tools

import (
	"fmt"
	"strings"
	"testing"
)

// TestFileReadFromAnOffsetRevealsNoSecret reads a file that holds the
// token from every offset: redaction runs before the offset applies, so no
// read shows any piece of the token beyond its public prefix.
func TestFileReadFromAnOffsetRevealsNoSecret(t *testing.T) {
	f := newFakeGitHub(t)
	content := "# config\ntoken=" + testToken + "\nend\n"
	d := f.deps(testToken)
	tail := testToken[len("ghp_"):]
	for off := 0; off <= len(content); off++ {
		f.on("GET", "/repos/octo/hello/contents/config.txt", 200, contentFile("config.txt", []byte(content)), nil)
		res := call(t, d, "get_file_contents", fmt.Sprintf(`{"owner":"octo","repo":"hello","path":"config.txt","offset":%d}`, off))
		if res.IsError {
			break // past the end of the redacted text
		}
		text := string(decodeResult[FileContents](t, res).Content)
		for n := 3; n <= len(tail); n++ {
			for i := 0; i+n <= len(tail); i++ {
				if strings.Contains(text, tail[i:i+n]) {
					t.Fatalf("offset %d shows %q of the token: %s", off, tail[i:i+n], text)
				}
			}
		}
	}
}
