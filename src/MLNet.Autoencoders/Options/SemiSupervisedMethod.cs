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
}
