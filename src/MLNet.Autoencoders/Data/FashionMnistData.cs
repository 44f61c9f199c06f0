namespace MLNet.Autoencoders.Data;

/// <summary>
/// Fashion-MNIST style samples as plain arrays, for code that works without ML.NET rows: <see cref="Count"/>
/// images of <see cref="FashionMnist.FeatureCount"/> features each, plus one class label per image.
/// </summary>
public sealed class FashionMnistData
{
    /// <summary>Wraps existing arrays (kept, not copied).</summary>
    /// <param name="features">The features, <c>labels.Length * FashionMnist.FeatureCount</c> values, image after
    /// image, each image's 28 x 28 pixels row-major.</param>
    /// <param name="labels">One class label per image.</param>
    /// <exception cref="ArgumentException">The arrays are empty or their lengths do not agree.</exception>
    public FashionMnistData(float[] features, byte[] labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length == 0)
            throw new ArgumentException("At least one sample is needed.", nameof(labels));
        if ((long)labels.Length * FashionMnist.FeatureCount != features.LongLength)
            throw new ArgumentException(
                $"Expected {(long)labels.Length * FashionMnist.FeatureCount} features ({labels.Length} labels x " +
                $"{FashionMnist.FeatureCount}), got {features.LongLength}.", nameof(features));
        Features = features;
        Labels = labels;
    }

    /// <summary>Number of samples (images).</summary>
    public int Count => Labels.Length;

    /// <summary>
    /// All features, <see cref="Count"/> * <see cref="FashionMnist.FeatureCount"/> values: image after image, each
    /// image's pixels row-major (pixel (r, c) of image i is at <c>i * 784 + r * 28 + c</c>). Values loaded by
    /// <see cref="FashionMnist"/> are pixel / 255, so in [0, 1].
    /// </summary>
    public float[] Features { get; }

    /// <summary>Class label of each image; 0 to 9 for Fashion-MNIST (see <see cref="FashionMnist.ClassNames"/>).</summary>
    public byte[] Labels { get; }

    /// <summary>The features of one image, without copying.</summary>
    /// <param name="index">Zero-based sample index, less than <see cref="Count"/>.</param>
    /// <returns>A view of <see cref="FashionMnist.FeatureCount"/> values inside <see cref="Features"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public Span<float> GetFeatures(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Features.AsSpan(index * FashionMnist.FeatureCount, FashionMnist.FeatureCount);
    }

    /// <summary>A copy of <paramref name="count"/> images from <paramref name="start"/> on (for train / held-out splits).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within the images.</exception>
    public FashionMnistData Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start > Count - count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Images {start}..{start + count - 1} are not within the {Count} images.");
        return new FashionMnistData(Features.AsSpan(start * FashionMnist.FeatureCount, count * FashionMnist.FeatureCount).ToArray(), Labels.AsSpan(start, count).ToArray());
    }

    /// <summary>A copy of the images at <paramref name="indices"/>, in that order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is not that of an image.</exception>
    public FashionMnistData Select(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var features = new float[indices.Count * FashionMnist.FeatureCount];
        var labels = new byte[indices.Count];
        for (int k = 0; k < indices.Count; k++)
        {
            GetFeatures(indices[k]).CopyTo(features.AsSpan(k * FashionMnist.FeatureCount, FashionMnist.FeatureCount));
            labels[k] = Labels[indices[k]];
        }
        return new FashionMnistData(features, labels);
    }
}
