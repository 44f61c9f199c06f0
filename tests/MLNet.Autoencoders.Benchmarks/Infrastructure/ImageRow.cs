using Microsoft.ML.Data;

namespace MLNet.Autoencoders.Benchmarks.Infrastructure;

/// <summary>One Fashion-MNIST image as an ML.NET row class (for <c>LoadFromEnumerable</c> and <c>PredictionEngine</c>).</summary>
internal sealed class ImageRow
{
    [VectorType(784)]
    public float[] Features { get; set; } = [];
}
