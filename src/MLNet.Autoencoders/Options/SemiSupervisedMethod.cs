namespace MLNet.Autoencoders;

/// <summary>How an <see cref="AutoencoderClassifierTrainer"/> uses the rows without a label.</summary>
public enum SemiSupervisedMethod
{
    /// <summary>Pretrain an autoencoder on every row, then fine-tune its encoder with a softmax head on the labelled rows
    /// only (cross-entropy). The unlabelled rows serve the pretraining alone.</summary>
    FineTune,

    /// <summary>From the pretrained autoencoder, train cross-entropy on the labelled rows plus λ · reconstruction error over
    /// mixed batches of labelled and unlabelled rows (<see cref="AutoencoderClassifierOptions.ReconstructionWeight"/>), so the
    /// encoder keeps describing every row while it learns the classes.</summary>
    Joint,

    /// <summary>Consistency under corruption (Π-model, Laine and Aila 2017): the classifier's class probabilities for a
    /// corrupted copy of an unlabelled row are pulled towards its (fixed) probabilities for the clean row, with a weight that
    /// ramps up over the first part of training. The corruption is the denoising autoencoder's
    /// (<see cref="AutoencoderClassifierOptions.Corruption"/>).</summary>
    Consistency,

    /// <summary>Confidence-thresholded pseudo-labels (Lee 2013; FixMatch, Sohn et al. 2020): an unlabelled row whose clean
    /// copy the classifier already puts in one class with probability at least
    /// <see cref="AutoencoderClassifierOptions.ConfidenceThreshold"/> trains, as that class, on a corrupted copy.</summary>
    PseudoLabels,

    /// <summary>Mean teacher (Tarvainen and Valpola 2017): the teacher is an exponential moving average of the classifier's
    /// own weights (<see cref="AutoencoderClassifierOptions.TeacherDecay"/>); the classifier's class probabilities for a
    /// corrupted copy of an unlabelled row are pulled (squared error) towards the teacher's for another corrupted copy, with
    /// dropout in both (<see cref="AutoencoderClassifierOptions.Dropout"/>) and a weight that ramps up over the first part of
    /// training. The model kept is the teacher.</summary>
    MeanTeacher,

    /// <summary>Interpolation consistency (ICT: Verma, Lamb, Kannala, Bengio and Lopez-Paz 2019): as
    /// <see cref="MeanTeacher"/>, but the perturbation is mixup (Zhang et al. 2018): the classifier's probabilities for a
    /// mix λ·u₁ + (1 − λ)·u₂ of two unlabelled rows are pulled towards the same mix of the teacher's probabilities for u₁ and
    /// u₂, λ ~ Beta(α, α) (<see cref="AutoencoderClassifierOptions.MixupAlpha"/>). It needs no knowledge of what the features
    /// are (no image shape), and measured best on Fashion-MNIST (README).</summary>
    InterpolationConsistency,
}
