using MLNet.Autoencoders.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>
/// The training rows as a [rows, columns] tensor that shares the <see cref="FeatureMatrix"/>'s managed buffer
/// (<c>torch.from_array</c> pins it while the tensor lives) instead of copying it: <c>torch.tensor(float[])</c> would keep a
/// second full copy of the data for the whole fit (188 MB for 60k × 784).
/// </summary>
internal sealed class SharedFeatureTensor : IDisposable
{
    private readonly Tensor flat;
    private readonly Tensor used;

    public SharedFeatureTensor(FeatureMatrix data)
    {
        flat = torch.from_array(data.Values);
        used = flat.narrow(0, 0, (long)data.Rows * data.Columns);
        Value = used.view(data.Rows, data.Columns);
    }

    /// <summary>The rows, [rows, columns].</summary>
    public Tensor Value { get; }

    public void Dispose()
    {
        Value.Dispose();
        used.Dispose();
        flat.Dispose();
    }
}
