package mispsim

import (
	"slices"
	"strings"
)

// trigramIndex finds user ids whose lower-cased email contains a
// substring, the way MISP's searchemail: filter (LIKE %text%) does, without
// scanning every user: it reads the posting list of the query's rarest
// three-byte sequence and checks only those candidates.
//
// Posting lists are append-only. A removed or renamed user stays listed
// under its old trigrams, and the caller filters candidates against the
// live rows, which keeps removal cheap on lists with 50,000 entries.
type trigramIndex struct {
	postings map[uint32][]int32
}

func newTrigramIndex() *trigramIndex {
	return &trigramIndex{postings: make(map[uint32][]int32)}
}

func trigramKey(s string, i int) uint32 {
	return uint32(s[i])<<16 | uint32(s[i+1])<<8 | uint32(s[i+2])
}

// add lists id under every trigram of the lower-cased email.
func (x *trigramIndex) add(id int, email string) {
	email = strings.ToLower(email)
	for i := 0; i+3 <= len(email); i++ {
		key := trigramKey(email, i)
		list := x.postings[key]
		if n := len(list); n > 0 && list[n-1] == int32(id) {
			continue
		}
		x.postings[key] = append(list, int32(id))
	}
}

// candidates returns the ids that may contain query, lower-cased, and
// whether the index could narrow the search. Queries shorter than three
// bytes return false, and the caller scans every user.
func (x *trigramIndex) candidates(query string) ([]int32, bool) {
	if len(query) < 3 {
		return nil, false
	}
	var best []int32
	for i := 0; i+3 <= len(query); i++ {
		list, ok := x.postings[trigramKey(query, i)]
		if !ok {
			return nil, true
		}
		if best == nil || len(list) < len(best) {
			best = list
		}
	}
	return slices.Compact(slices.Sorted(slices.Values(best))), true
}
