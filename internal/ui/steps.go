package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/provision"
)

// stepKinds are the provisioning steps in the order a bump runs them.
var stepKinds = []history.Kind{
	history.KindOrganisation, history.KindUser, history.KindAuthKey, history.KindServer,
}

// stepName names a provisioning step for the admin.
func stepName(k history.Kind) string {
	switch k {
	case history.KindOrganisation:
		return "Organisation"
	case history.KindUser:
		return "Sync user"
	case history.KindAuthKey:
		return "Key"
	case history.KindServer:
		return "Server entry"
	}
	return string(k)
}

// stepProgress is the state of one step, from the provisioning events.
type stepProgress struct {
	phase provision.Phase
	// done are the details of the step's done events in order, such as
	// "created id 3" from Approve and "enabled" from Confirm.
	done []string
	err  error
}

// stepTracker collects provision.Events for the per-step display.
type stepTracker map[history.Kind]stepProgress

func (t stepTracker) add(e provision.Event) {
	p := t[e.Kind]
	p.phase, p.err = e.Phase, e.Err
	if e.Phase == provision.PhaseDone && e.Detail != "" {
		p.done = append(p.done, e.Detail)
	}
	t[e.Kind] = p
}

// any reports whether a step has started.
func (t stepTracker) any() bool { return len(t) > 0 }

// view draws one row per step: an icon for its phase, its name and what
// its events reported. A step without events that is done all the same
// (see implied) is drawn done with what the plan made of it.
func (t stepTracker) view(plan *provision.Plan) fyne.CanvasObject {
	rows := container.NewVBox()
	for i, k := range stepKinds {
		p, seen := t[k]
		icon, detail := theme.RadioButtonIcon(), "waiting"
		switch {
		case t.implied(i):
			icon, detail = theme.ConfirmIcon(), impliedDetail(plan, k)
		case !seen:
		case p.phase == provision.PhaseStarted:
			icon, detail = theme.MoreHorizontalIcon(), "in progress"
		case p.phase == provision.PhaseDone:
			icon, detail = theme.ConfirmIcon(), orDash(strings.Join(p.done, ", "))
		case p.phase == provision.PhaseFailed:
			// The error itself is shown once, under the steps.
			icon, detail = theme.ErrorIcon(), "failed"
		}
		name := widget.NewLabelWithStyle(stepName(k), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		text := wrapLabel(detail)
		if seen && p.phase == provision.PhaseFailed {
			text.Importance = widget.DangerImportance
		}
		rows.Add(container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(icon), name), nil, text))
	}
	return rows
}

// implied reports whether stepKinds[i], which has no event, is done all
// the same. That is so when a later step has an event, or when it is the
// key and the sync user is done: the key usually comes with the new user
// or is the one the partner keeps, and neither sends an event.
func (t stepTracker) implied(i int) bool {
	if _, seen := t[stepKinds[i]]; seen {
		return false
	}
	if stepKinds[i] == history.KindAuthKey && t[history.KindUser].phase == provision.PhaseDone {
		return true
	}
	for _, k := range stepKinds[i+1:] {
		if _, ok := t[k]; ok {
			return true
		}
	}
	return false
}

// impliedDetail describes in the past tense what happened in a step
// that sent no event. The plan's Detail describes what was going to
// happen, which reads wrong once the step ran.
func impliedDetail(plan *provision.Plan, k history.Kind) string {
	if plan == nil {
		return "done"
	}
	if k == history.KindAuthKey {
		switch {
		case plan.User.Action == provision.ActionCreate:
			return "came with the new sync user"
		case plan.Options.NewKey:
			return "made a new key"
		}
		return "the partner keeps its existing key"
	}
	for _, s := range plan.Steps() {
		if s.Kind != k {
			continue
		}
		switch s.Action {
		case provision.ActionCreate:
			return "created"
		case provision.ActionReuse:
			return "reused"
		case provision.ActionUpdate:
			return "updated"
		}
	}
	return "done"
}

// done counts the steps that are done, including those an event of a
// later step shows to be done.
func (t stepTracker) done() int {
	n := 0
	for i, k := range stepKinds {
		p, seen := t[k]
		if (seen && p.phase == provision.PhaseDone) || t.implied(i) {
			n++
		}
	}
	return n
}

// summary is a closed accordion item with the steps, for panels that
// have little room.
func (t stepTracker) summary(plan *provision.Plan) fyne.CanvasObject {
	title := fmt.Sprintf("On your MISP: %d of %d steps done", t.done(), len(stepKinds))
	return widget.NewAccordion(widget.NewAccordionItem(title, t.view(plan)))
}
