package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

const secret = "ghp_redactTEST0123456789abcdefghijklmn"

func TestString(t *testing.T) {
	r := New(secret, "")
	for in, want := range map[string]string{
		"token " + secret + " and again " + secret: "token [REDACTED] and again [REDACTED]",
		"no secret here": "no secret here",
		"":               "",
	} {
		if got := r.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
	// A secret JSON would escape is masked in its JSON form too.
	odd := New("s3cr<et>&")
	if got := odd.String(`{"t":"s3cr\u003cet\u003e\u0026"}`); got != `{"t":"[REDACTED]"}` {
		t.Errorf("JSON-escaped secret: %q", got)
	}
	var zero *Redactor
	if zero.String(secret) != secret || New().String(secret) != secret {
		t.Error("a Redactor without secrets must change nothing")
	}
}

func TestHandler(t *testing.T) {
	var buf bytes.Buffer
	r := New(secret)
	log := slog.New(r.Handler(slog.NewTextHandler(&buf, nil))).With("preset", "x"+secret)
	log.Error("failed with "+secret,
		"err", errors.New("401 for "+secret),
		"str", secret,
		"any", struct{ S string }{secret},
		slog.Group("g", "inner", secret, "n", 3),
	)
	log.WithGroup("grp").Info("m", "k", secret)
	out := buf.String()
	if strings.Contains(out, secret) || strings.Contains(out, secret[4:20]) {
		t.Errorf("the secret reached the log:\n%s", out)
	}
	if n := strings.Count(out, Mask); n != 8 {
		t.Errorf("%d masks, want 8:\n%s", n, out)
	}
}

func TestAddMasksSecretsLearnedLater(t *testing.T) {
	var buf bytes.Buffer
	r := New(secret)
	log := slog.New(r.Handler(slog.NewTextHandler(&buf, nil)))
	later := "ghs_installationTOKEN0123456789abcdefgh"
	log.Info("before " + later)
	r.Add(later, "", secret)
	log.Info("after "+later, "err", errors.New("401 for "+later))
	out := buf.String()
	if !strings.Contains(out, "before "+later) {
		t.Errorf("a secret added later changed an earlier line:\n%s", out)
	}
	if strings.Count(out, later) != 1 || strings.Count(out, Mask) != 2 {
		t.Errorf("the added secret was not masked after Add:\n%s", out)
	}
	if got := r.String(secret + " " + later); got != Mask+" "+Mask {
		t.Errorf("String after Add = %q", got)
	}
	if got := r.Edges("x" + later[:20]); got != "x"+Mask {
		t.Errorf("Edges after Add = %q", got)
	}
	var zero Redactor
	zero.Add(later)
	if zero.String(later) != Mask {
		t.Error("Add on the zero Redactor must work")
	}
}

func TestAddIsSafeWhileRedacting(t *testing.T) {
	r := New(secret)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			r.Add(strings.Repeat("x", 30) + string(rune('a'+i%26)) + strings.Repeat("y", i))
		}
	}()
	for range 200 {
		if r.String(secret) != Mask {
			t.Fatal("an Add lost an earlier secret")
		}
	}
	<-done
}
