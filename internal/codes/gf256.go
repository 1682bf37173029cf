package codes

// GF(256) arithmetic with the polynomial x^8+x^4+x^3+x^2+1 (0x11d) and
// generator 2, the field QR codes themselves use for Reed-Solomon.

var gfExp, gfLog = func() (exp [512]byte, log [256]byte) {
	x := 1
	for i := 0; i < 255; i++ {
		exp[i] = byte(x)
		log[x] = byte(i)
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11d
		}
	}
	for i := 255; i < len(exp); i++ {
		exp[i] = exp[i-255]
	}
	return exp, log
}()

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[int(gfLog[a])+int(gfLog[b])]
}

// gfInv returns the multiplicative inverse of a, which must not be zero.
func gfInv(a byte) byte {
	return gfExp[255-int(gfLog[a])]
}

// gfAddScaled sets dst[i] ^= c*src[i] for every i.
func gfAddScaled(dst, src []byte, c byte) {
	switch c {
	case 0:
		return
	case 1:
		for i, v := range src {
			dst[i] ^= v
		}
		return
	}
	logC := int(gfLog[c])
	for i, v := range src {
		if v != 0 {
			dst[i] ^= gfExp[int(gfLog[v])+logC]
		}
	}
}

// gfScale sets row[i] = c*row[i] for every i.
func gfScale(row []byte, c byte) {
	for i, v := range row {
		row[i] = gfMul(v, c)
	}
}
