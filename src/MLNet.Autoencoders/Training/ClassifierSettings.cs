namespace MLNet.Autoencoders.Training;

/// <summary>The validated settings of one classifier training run (see <see cref="AutoencoderClassifierOptions"/>).</summary>
internal sealed record ClassifierSettings(
    SemiSupervisedMethod Method,
    int[] HeadHiddenLayerSizes,
    double ReconstructionWeight,
    double UnlabelledWeight,
    double ConfidenceThreshold,
    Corruption Corruption,
    double Dropout,
    double TeacherDecay,
    double MixupAlpha,
    double EncoderLearningRate,
    double HeadLearningRate,
    int Epochs,
    int BatchSize,
    int LabelledBatchSize,
    double ValidationFraction,
    int EarlyStoppingPatience,
    float[]? ClassWeights,
    ReconstructionLoss Loss,
    int Seed)
{
    /// <summary>Share of the training steps over which the consistency weight ramps up (Laine and Aila 2017 ramp up over
    /// the first 80 of 300 epochs).</summary>
    public const double RampUpShare = 0.3;

    /// <summary>Whether each step also reads a batch of all rows (labelled or not).</summary>
    public bool UsesAllRows => Method != SemiSupervisedMethod.FineTune;

    /// <summary>Whether a moving-average teacher is kept (and becomes the model).</summary>
    public bool UsesTeacher => AutoencoderClassifierTrainer.Defaults.UsesTeacher(Method);
}
