package ui

import (
	"fmt"

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
	phase  provision.Phase
	detail string
	err    error
}

// stepTracker collects provision.Events for the per-step display.
type stepTracker map[history.Kind]stepProgress

func (t stepTracker) add(e provision.Event) {
	p := stepProgress{phase: e.Phase, detail: e.Detail, err: e.Err}
	t[e.Kind] = p
}

// any reports whether a step has started.
func (t stepTracker) any() bool { return len(t) > 0 }

// view draws one row per step: an icon for its phase, its name and the
// detail of the last event. A step without events that is done all the
// same (see implied) is drawn done with the plan's detail.
func (t stepTracker) view(plan *provision.Plan) fyne.CanvasObject {
	planned := map[history.Kind]string{}
	if plan != nil {
		for _, s := range plan.Steps() {
			planned[s.Kind] = s.Detail
		}
	}
	rows := container.NewVBox()
	for i, k := range stepKinds {
		p, seen := t[k]
		icon, detail := theme.RadioButtonIcon(), "waiting"
		switch {
		case t.implied(i):
			icon, detail = theme.ConfirmIcon(), orDash(planned[k])
		case !seen:
		case p.phase == provision.PhaseStarted:
			icon, detail = theme.MoreHorizontalIcon(), "in progress"
		case p.phase == provision.PhaseDone:
			icon, detail = theme.ConfirmIcon(), p.detail
		case p.phase == provision.PhaseFailed:
			icon, detail = theme.ErrorIcon(), "failed"
			if p.err != nil {
				detail = "failed: " + p.err.Error()
			}
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
