namespace MLNet.Autoencoders;

/// <summary>Checks of the settings every autoencoder kind shares; each error names the option and its value.</summary>
internal static class OptionsValidation
{
    /// <summary>The convolutional front for an input of <paramref name="inputSize"/> values in <paramref name="column"/>,
    /// or null; throws when the image shape does not match the column or the strides cannot rebuild it.</summary>
    public static Networks.ConvolutionSpec? ConvolutionFor(ConvolutionOptions? options, string column, int inputSize)
    {
        if (options is null) return null;
        var image = options.Image;
        if (image.Size != inputSize)
            throw new ArgumentOutOfRangeException(nameof(AutoencoderOptionsBase.Convolution),
                $"Column '{column}' has {inputSize} features, but the image shape {image} needs {image.Size} (channels × height × width).");
        var spec = new Networks.ConvolutionSpec(image.Channels, image.Height, image.Width, (int[])options.Channels.Clone(), options.KernelSize, options.Stride);
        if (spec.Problem() is string problem)
            throw new ArgumentOutOfRangeException(nameof(AutoencoderOptionsBase.Convolution),
                $"The convolution cannot work on {image} images: {problem}. Use fewer stages, a smaller stride or a smaller kernel.");
        return spec;
    }

    /// <param name="o">The options.</param>
    /// <param name="extraOutputNames">The kind's own optional output columns (null entries: not produced).</param>
    public static void ValidateShared(AutoencoderOptionsBase o, params string?[] extraOutputNames)
    {
        if (string.IsNullOrWhiteSpace(o.OutputColumnName))
            throw new ArgumentException("OutputColumnName must name a column.", nameof(o.OutputColumnName));
        if (o.InputColumnName is not null && string.IsNullOrWhiteSpace(o.InputColumnName))
            throw new ArgumentException("InputColumnName must name a column (or be null to use OutputColumnName).", nameof(o.InputColumnName));
        var outputNames = new[] { o.OutputColumnName, o.ReconstructionColumnName }.Concat(extraOutputNames).OfType<string>().ToArray();
        if (outputNames.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("Optional output column names must be null or name a column.");
        if (outputNames.Distinct().Count() != outputNames.Length)
            throw new ArgumentException($"The output columns must have different names; got {string.Join(", ", outputNames.Select(n => $"'{n}'"))}.");
        if (o.LatentDimension <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.LatentDimension), o.LatentDimension, "LatentDimension must be at least 1.");
        if (o.HiddenLayerSizes is null)
            throw new ArgumentNullException(nameof(o.HiddenLayerSizes), "HiddenLayerSizes must be an array (empty for no hidden layer).");
        if (o.HiddenLayerSizes.Any(s => s <= 0))
            throw new ArgumentOutOfRangeException(nameof(o.HiddenLayerSizes), $"Every hidden layer size must be at least 1; got [{string.Join(", ", o.HiddenLayerSizes)}].");
        if (!Enum.IsDefined(o.Activation)) throw new ArgumentOutOfRangeException(nameof(o.Activation), o.Activation, "Unknown activation.");
        if (o.Epochs <= 0) throw new ArgumentOutOfRangeException(nameof(o.Epochs), o.Epochs, "Epochs must be at least 1.");
        if (o.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(o.BatchSize), o.BatchSize, "BatchSize must be at least 1.");
        if (!(o.LearningRate > 0) || !double.IsFinite(o.LearningRate))
            throw new ArgumentOutOfRangeException(nameof(o.LearningRate), o.LearningRate, "LearningRate must be a positive number.");
        if (!(o.WeightDecay >= 0) || !double.IsFinite(o.WeightDecay))
            throw new ArgumentOutOfRangeException(nameof(o.WeightDecay), o.WeightDecay, "WeightDecay must be 0 or more.");
        if (!(o.ValidationFraction >= 0 && o.ValidationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(o.ValidationFraction), o.ValidationFraction, "ValidationFraction must lie in [0, 1).");
        if (o.EarlyStoppingPatience <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.EarlyStoppingPatience), o.EarlyStoppingPatience, "EarlyStoppingPatience must be at least 1.");
        if (o.CheckpointInterval <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.CheckpointInterval), o.CheckpointInterval, "CheckpointInterval must be at least 1.");
        if (o.CheckpointPath is not null && string.IsNullOrWhiteSpace(o.CheckpointPath))
            throw new ArgumentException("CheckpointPath must name a file (or be null for no checkpoints).", nameof(o.CheckpointPath));
        if (o.ResumeFromCheckpoint is not null && string.IsNullOrWhiteSpace(o.ResumeFromCheckpoint))
            throw new ArgumentException("ResumeFromCheckpoint must name a file (or be null to start afresh).", nameof(o.ResumeFromCheckpoint));
        if (o.Convolution is { } conv)
        {
            if (conv.Image is null) throw new ArgumentNullException(nameof(o.Convolution), "Convolution.Image must give the image shape.");
            if (conv.Channels is not { Length: > 0 } || conv.Channels.Any(c => c <= 0))
                throw new ArgumentOutOfRangeException(nameof(o.Convolution), $"Convolution.Channels must list at least one stage, each with 1 channel or more; got [{string.Join(", ", conv.Channels ?? [])}].");
            if (conv.KernelSize <= 0) throw new ArgumentOutOfRangeException(nameof(o.Convolution), conv.KernelSize, "Convolution.KernelSize must be at least 1.");
            if (conv.Stride <= 0) throw new ArgumentOutOfRangeException(nameof(o.Convolution), conv.Stride, "Convolution.Stride must be at least 1.");
        }
        if (o.ShuffleBufferRows <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.ShuffleBufferRows), o.ShuffleBufferRows, "ShuffleBufferRows must be at least 1.");
        if (o.NumberOfThreads is <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.NumberOfThreads), o.NumberOfThreads, "NumberOfThreads must be at least 1 (or null for TorchSharp's default).");
    }
}
