using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Networks;

/// <summary>
/// <see cref="PatchGeometry.ToRows"/> and <see cref="PatchGeometry.ToImage"/> as autograd operations: each one's gradient
/// is the other applied to the incoming gradient (they are adjoint linear maps). Written by hand because autograd's own
/// gradient of the overlapping strided view ToRows takes is a general, slow scatter.
/// </summary>
internal sealed class PatchFunction : autograd.SingleTensorFunction<PatchFunction>
{
    private const string GeometryKey = "geometry", ToRowsKey = "toRows";

    /// <inheritdoc/>
    public override string Name => nameof(PatchFunction);

    /// <summary>The patch rows of a channels-last <paramref name="image"/> at <paramref name="geometry"/>.</summary>
    public static Tensor Rows(Tensor image, PatchGeometry geometry) => apply(image, geometry, true);

    /// <summary>The channels-last image that patch <paramref name="rows"/> add up to at <paramref name="geometry"/>.</summary>
    public static Tensor Image(Tensor rows, PatchGeometry geometry) => apply(rows, geometry, false);

    /// <inheritdoc/>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (geometry, toRows) = ((PatchGeometry)vars[1], (bool)vars[2]);
        ctx.save_data(GeometryKey, geometry);
        ctx.save_data(ToRowsKey, toRows);
        return Map(geometry, toRows, (Tensor)vars[0]);
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient) =>
        [Map((PatchGeometry)ctx.get_data(GeometryKey), !(bool)ctx.get_data(ToRowsKey), gradient), null!, null!];

    private static Tensor Map(PatchGeometry geometry, bool toRows, Tensor x) => toRows ? geometry.ToRows(x) : geometry.ToImage(x);
}
