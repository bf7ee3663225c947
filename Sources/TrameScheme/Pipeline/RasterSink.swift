import TrameRaster

/// Where the stages hand their rasters: the publisher writes them (as COG, on a queue of its own) while
/// the next step computes. `name` is the path inside the output folder, e.g. `rasters/forest_resistance.tif`.
public protocol RasterSink: AnyObject {
    func write<T: GridScalar>(_ grid: Grid<T>, to name: String, description: String,
                              categories: [Int: String], colours: [Int: (UInt8, UInt8, UInt8)])
}

public extension RasterSink {
    func write<T: GridScalar>(_ grid: Grid<T>, to name: String, description: String) {
        write(grid, to: name, description: description, categories: [:], colours: [:])
    }
}

/// A sink that keeps nothing: for a stage run on its own (tests, scenarios that publish no raster).
public final class DiscardingRasterSink: RasterSink {
    public init() {}
    public func write<T: GridScalar>(_ grid: Grid<T>, to name: String, description: String,
                                     categories: [Int: String], colours: [Int: (UInt8, UInt8, UInt8)]) {}
}
