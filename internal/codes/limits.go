package codes

// Limits on untrusted input. Codes arrive in files, pasted text and
// camera frames from the partner or from anyone who can put a picture in
// front of the camera, so every size that decides an allocation or a
// search is bounded here.
const (
	// MaxImagePixels is the largest image, in pixels, that the readers
	// of image files decode: a 50-megapixel phone photo fits, while a
	// small PNG that claims 40000×40000 pixels is rejected before its
	// pixels are allocated. Callers check it with image.DecodeConfig.
	//
	// NOTE: decoding an image of this size can still take about 512 MB,
	// estimated from the decoders' pixel formats. A 16-bit colour PNG
	// takes 8 bytes a pixel, and a progressive JPEG about as much,
	// because its decoder keeps every coefficient. 8-bit images take 64
	// to 256 MB.
	MaxImagePixels = 64_000_000

	// maxScanPixels bounds the image that each ladder step searches.
	// Scan shrinks larger frames to it first and skips upscaling beyond
	// it. 4096×4096 keeps a 12-megapixel photo and a 5K screenshot at
	// full size.
	maxScanPixels = 4096 * 4096

	// maxTextLen bounds the text of one code, in bytes: twice the text
	// form of the largest body (a 65535-byte message), which leaves room
	// for line breaks and quote markers that mail adds.
	maxTextLen = 2 * (len(TextPrefix) + (maxMessageLen+bodyOverhead)/2*3 + 2)
)
