package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/provision"
)

// profileView shows what Test connection fetched: the organisation
// partners will create for this MISP, the instance, and every warning.
func profileView(p *provision.Profile) fyne.CanvasObject {
	org := p.Identity()
	pin := "none: the certificate chains to a trusted CA, or the URL is plain http"
	if len(p.TLSPin) > 0 {
		pin = config.FormatPin(p.TLSPin)
	}
	rows := []*widget.FormItem{
		formRow("Organisation", org.Name),
		formRow("UUID", org.UUID),
		formRow("Sector", orDash(org.Sector)),
		formRow("Nationality", orDash(org.Nationality)),
		formRow("MISP version", p.Version),
		formRow("Base URL", orDash(p.BaseURL)),
		formRow("Partners use", p.AdvertisedURL()),
		formRow("TLS pin", pin),
		formRow("Your user", p.UserEmail+" ("+p.RoleName+")"),
	}
	if p.HostOrg != nil && p.Org.UUID != p.HostOrg.UUID {
		rows = append(rows, formRow("Your organisation", p.Org.Name+" ("+p.Org.UUID+")"))
	}
	box := container.NewVBox(widget.NewForm(rows...))
	if len(p.Warnings) == 0 {
		ok := wrapLabel("No warnings: this MISP is ready for a bump.")
		ok.Importance = widget.SuccessImportance
		box.Add(ok)
	}
	for _, w := range p.Warnings {
		l := wrapLabel(capitalise(w.Message) + " (" + w.Code + ")")
		l.Importance = widget.WarningImportance
		box.Add(l)
	}
	return container.NewVBox(heading("Connected to "+org.Name), wrapLabel("What partners will see:"), box)
}
