// Package bump drives one side of a bump from the first code to the
// verified partnership. It ties the handshake (internal/exchange) to
// provisioning (internal/provision) and the history, and is shared by the
// command line and the GUI, which only move codes in and out and ask the
// admin the two questions: "create this partnership?" and "do the codes
// match?".
//
// The stages of a session, per role:
//
//	initiator: ShowHello → Review → ShowOffer → Compare → Verify → Done
//	responder: WaitHello → ShowReply → Review → ShowKey/Compare → Verify → Done
//
// A session may end in Cancelled (the admin stopped, or the codes
// differed; what the bump created was removed) or stay in a stage after a
// failed step, which can then be retried.
package bump
