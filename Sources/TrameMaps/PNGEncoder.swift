import CCairo
import Foundation

/// PNG images in memory (map tiles), encoded by Cairo.
public enum PNGEncoder {
    /// Encodes `width` × `height` pixels given as premultiplied ARGB32 (Cairo's layout: 0xAARRGGBB).
    public static func encode(argb: [UInt32], width: Int, height: Int) -> [UInt8] {
        precondition(argb.count == width * height)
        let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, Int32(width)))
        var data = [UInt8](repeating: 0, count: stride * height)
        data.withUnsafeMutableBytes { raw in
            for y in 0..<height {
                let row = raw.baseAddress!.advanced(by: y * stride).assumingMemoryBound(to: UInt32.self)
                for x in 0..<width { row[x] = argb[y * width + x] }
            }
        }
        final class Sink { var bytes: [UInt8] = [] }
        let sink = Sink()
        data.withUnsafeMutableBytes { raw in
            guard let s = cairo_image_surface_create_for_data(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), CAIRO_FORMAT_ARGB32,
                                                              Int32(width), Int32(height), Int32(stride)) else { return }
            defer { cairo_surface_destroy(s) }
            let box = Unmanaged.passUnretained(sink).toOpaque()
            _ = cairo_surface_write_to_png_stream(s, { closure, bytes, length in
                let sink = Unmanaged<Sink>.fromOpaque(closure!).takeUnretainedValue()
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(length)))
                return CAIRO_STATUS_SUCCESS
            }, box)
        }
        return sink.bytes
    }

    /// Premultiplied ARGB32 of a colour with opacity `alpha` (0…255).
    @inline(__always) public static func argb(_ r: UInt8, _ g: UInt8, _ b: UInt8, alpha: UInt8) -> UInt32 {
        let a = UInt32(alpha)
        return a << 24 | (UInt32(r) * a / 255) << 16 | (UInt32(g) * a / 255) << 8 | (UInt32(b) * a / 255)
    }
}
