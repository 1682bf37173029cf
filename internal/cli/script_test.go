package cli

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/mispsim"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mispbump": func() {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			code := Execute(ctx, os.Args[1:], Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, Options{})
			stop()
			os.Exit(code)
		},
	})
}

// TestScripts runs the command-line scenarios in testdata/script. Each
// script gets its own home, config and data directories, and the
// commands below to run simulated MISP servers on loopback.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("MISPBUMP_KEYSTORE", "file")
			env.Setenv("MISPBUMP_CONFIG_DIR", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("XDG_DATA_HOME", filepath.Join(env.WorkDir, ".data"))
			for _, name := range []string{"MISPBUMP_MISP_URL", "MISPBUMP_MISP_KEY", "MISP_URL", "MISP_KEY", "MISPBUMP_CONFIG"} {
				env.Setenv(name, "")
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sim":      cmdSim,
			"simfault": cmdSimFault,
			"simstop":  cmdSimStop,
			"sleep":    cmdSleep,
			"waitfile": cmdWaitFile,
			"mkpng":    cmdMkPNG,
		},
	})
}

// sims holds the simulators of the running scripts, by script work
// directory and name.
var sims = map[string]*mispsim.Sim{}

// cmdSim starts a MISP simulator: sim [-tls] NAME ORG-NAME ORG-UUID. It
// sets $NAME_URL to its base URL and $NAME_KEY to a file holding its
// admin key. With -tls it serves HTTPS with a self-signed certificate,
// and $NAME_PIN is that certificate's fingerprint.
func cmdSim(ts *testscript.TestScript, neg bool, args []string) {
	useTLS := len(args) > 0 && args[0] == "-tls"
	if useTLS {
		args = args[1:]
	}
	if neg || len(args) != 3 {
		ts.Fatalf("usage: sim [-tls] NAME ORG-NAME ORG-UUID")
	}
	name := args[0]
	dir := ts.MkAbs("sim-" + name)
	s, err := mispsim.New(mispsim.Options{DataDir: dir, OrgName: args[1], OrgUUID: args[2], TLS: useTLS})
	ts.Check(err)
	url, err := s.Start("127.0.0.1:0")
	ts.Check(err)
	ts.Defer(func() { _ = s.Close() })
	sims[ts.Getenv("WORK")+"/"+name] = s
	ts.Setenv(name+"_URL", url)
	ts.Setenv(name+"_KEY", filepath.Join(dir, "admin.key"))
	if useTLS {
		info, err := misp.ProbeTLS(context.Background(), url, "")
		ts.Check(err)
		ts.Setenv(name+"_PIN", info.Fingerprint())
	}
}

func simNamed(ts *testscript.TestScript, name string) *mispsim.Sim {
	s := sims[ts.Getenv("WORK")+"/"+name]
	if s == nil {
		ts.Fatalf("no simulator named %s", name)
	}
	return s
}

// cmdSimFault injects a fault: simfault NAME METHOD PATH STATUS [repeat].
func cmdSimFault(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 4 {
		ts.Fatalf("usage: simfault NAME METHOD PATH STATUS [repeat]")
	}
	status, err := strconv.Atoi(args[3])
	ts.Check(err)
	simNamed(ts, args[0]).InjectFault(mispsim.Fault{
		Method: args[1], Path: args[2], Kind: mispsim.FaultStatus, Status: status,
		Repeat: len(args) > 4 && args[4] == "repeat",
	})
}

// cmdSimStop stops a simulator, as a MISP that went down.
func cmdSimStop(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: simstop NAME")
	}
	ts.Check(simNamed(ts, args[0]).Close())
}

// cmdSleep waits: sleep DURATION.
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}

// cmdMkPNG writes a picture that holds no code: mkpng FILE.
func cmdMkPNG(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkpng FILE")
	}
	img := image.NewGray(image.Rect(0, 0, 320, 240))
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			img.SetGray(x, y, color.Gray{Y: uint8((x*x + y*3) % 256)})
		}
	}
	f, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	ts.Check(png.Encode(f, img))
	ts.Check(f.Close())
}

// cmdWaitFile waits up to a minute until a file exists: waitfile FILE.
// Scripts use it instead of sleeping, so a slow machine cannot reorder
// the steps of a scenario.
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile FILE")
	}
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts.Fatalf("%s did not appear within a minute", args[0])
}
