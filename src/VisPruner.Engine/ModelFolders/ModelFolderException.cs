namespace VisPruner.Engine.ModelFolders;

/// <summary>A model folder is malformed: a configuration field is missing or inconsistent, or a file does not fit it.</summary>
public sealed class ModelFolderException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="ModelFolderException"/> class.</summary>
    public ModelFolderException()
        : this("The model folder is malformed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelFolderException"/> class.</summary>
    /// <param name="message">The message.</param>
    public ModelFolderException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelFolderException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ModelFolderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelFolderException"/> class naming the offending file and field.</summary>
    /// <param name="file">The file at fault.</param>
    /// <param name="field">The dotted path of the field at fault, if any.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ModelFolderException(string file, string? field, string problem, Exception? innerException = null)
        : base(field is null ? $"{file}: {problem}" : $"{file}: {field} {problem}", innerException)
    {
        File = file;
        Field = field;
    }

    /// <summary>Gets the file at fault.</summary>
    public string? File { get; }

    /// <summary>Gets the dotted path of the configuration field at fault (for example <c>model.decoder.head_size</c>).</summary>
    public string? Field { get; }
}
