//! Command-line entry: parse arguments, call the library.

use clap::{Parser, Subcommand, ValueEnum};
use liveness_coach::analysis::{AnalyzerOptions, EyeSource};
use liveness_coach::cmd;
use liveness_coach::i18n::{Lang, Msg};
use liveness_coach::session::style::Style;
use liveness_coach::session::{plan, SessionConfig};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "liveness-coach",
    version,
    about = "Rehearse and diagnose webcam liveness checks (blink, turn, nod), offline"
)]
struct Cli {
    /// Folder with the model files and their SHA256SUMS (default: the models built into the binary).
    #[arg(long, global = true, value_name = "DIR")]
    models: Option<PathBuf>,
    /// Language of messages: en or zh (default: from the system locale).
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    En,
    Zh,
}

#[derive(Clone, Copy, ValueEnum)]
enum StyleArg {
    Actions,
    Turns,
    Oval,
    Mixed,
}

fn style_of(s: StyleArg) -> Style {
    match s {
        StyleArg::Actions => Style::Actions,
        StyleArg::Turns => Style::Turns,
        StyleArg::Oval => Style::Oval,
        StyleArg::Mixed => Style::Mixed,
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum EyesArg {
    Mesh,
    Iris,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a recording (video file, .y4m, image or folder of images, `-` for Y4M on stdin);
    /// several recordings are attempts to compare.
    Analyze {
        #[arg(value_name = "INPUT", required = true, num_args = 1..)]
        inputs: Vec<String>,
        /// Write the analysis as JSON to PATH (`-` for standard output; one recording only).
        #[arg(long, value_name = "PATH")]
        json: Option<PathBuf>,
        /// Write an HTML report (report.html) and the analysis JSON it is made from into DIR.
        #[arg(long, value_name = "DIR")]
        report: Option<PathBuf>,
        /// Put a thumbnail of the worst frame of each problem in the report (off by default:
        /// faces are private).
        #[arg(long, requires = "report")]
        frames: bool,
        /// The prompts the check asked, in order, comma-separated (blink, turn_left, turn_right,
        /// nod, open_mouth, shake, look_up, look_down, move_closer): each is judged as
        /// `practice` would.
        #[arg(long, value_name = "LIST")]
        challenges: Option<String>,
        /// Time limit of each prompt given with --challenges, in seconds.
        #[arg(long, value_name = "SECS", default_value_t = liveness_coach::session::PROMPT_TIMEOUT_S)]
        prompt_timeout: f64,
        /// Landmarks eye openness is measured from: the iris model's eyelids (more accurate, default) or the mesh alone (faster).
        #[arg(long, value_enum, default_value = "iris")]
        eyes: EyesArg,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Rehearse a liveness check with the webcam, in a window: prompts, live hints, a result.
    Practice {
        /// Camera number (see `liveness-coach cameras`).
        #[arg(long, default_value_t = 0)]
        camera: u32,
        /// Run the session on a recording instead of the camera (played at its own frame rate).
        #[arg(long, value_name = "FILE")]
        source: Option<String>,
        /// No window: run the session over every frame and print what happens (use with --source).
        #[arg(long)]
        headless: bool,
        /// Prompts to ask, in this order, comma-separated: blink, turn_left, turn_right, nod,
        /// open_mouth, shake, look_up, look_down, move_closer, and colour_flash (asked last, in
        /// the window only) (default: those of --style, in a random order).
        #[arg(long, value_name = "LIST")]
        challenges: Option<String>,
        /// Seed of the random prompt order, to repeat a session (default: a new one each time).
        #[arg(long)]
        seed: Option<u64>,
        /// Skip get-ready, centring and hold-still: prompts start at the first frame with a face.
        #[arg(long)]
        no_intro: bool,
        /// Time limit of each prompt, in seconds.
        #[arg(long, value_name = "SECS", default_value_t = liveness_coach::session::PROMPT_TIMEOUT_S)]
        prompt_timeout: f64,
        /// Fail a prompt at its first too-fast or too-slow movement, as some real checks do
        /// (default: keep the prompt open and coach each try until its time limit).
        #[arg(long)]
        strict: bool,
        /// The kind of check to rehearse: actions (blink, open mouth, shake, nod: Chinese
        /// action checks), turns (left and right), oval (move closer, then the colour flash:
        /// AWS- and FaceTec-style), mixed (four drawn at random from every movement prompt).
        /// Sets the prompts, unless --challenges gives them, and the bar they set.
        #[arg(long, value_enum, default_value = "mixed")]
        style: StyleArg,
        /// Never flash the screen: leave out the colour flash of --style oval (for people
        /// sensitive to flashing light).
        #[arg(long)]
        no_flash: bool,
        /// Save the session's results as JSON (`-` for standard output).
        #[arg(long, value_name = "PATH")]
        report: Option<PathBuf>,
        /// Write an HTML report (report.html), the session JSON (session.json) and the analysis
        /// JSON of the frames seen (analysis.json) into DIR.
        #[arg(long, value_name = "DIR")]
        report_dir: Option<PathBuf>,
        /// Save the frames seen as a Y4M video, to analyse later (nothing is saved without it).
        #[arg(long, value_name = "PATH")]
        record: Option<PathBuf>,
        /// Draw the face mesh and eye outlines the model sees (toggle with L).
        #[arg(long)]
        landmarks: bool,
        #[arg(long, value_enum, default_value = "iris")]
        eyes: EyesArg,
        /// Window size, WIDTHxHEIGHT.
        #[arg(long, value_name = "WxH", default_value = "960x720", value_parser = parse_size)]
        window: (usize, usize),
    },
    /// A 5-second look through the webcam before the real check: camera, frame rate, light,
    /// framing, glasses, hat, mask. Exit 0 when ready, 1 when something should be fixed.
    Check {
        /// Camera number (see `liveness-coach cameras`).
        #[arg(long, default_value_t = 0, conflicts_with = "source")]
        camera: u32,
        /// Look at a recording instead of the camera.
        #[arg(long, value_name = "FILE")]
        source: Option<String>,
        /// How long to look, in seconds.
        #[arg(long, value_name = "SECS", default_value_t = liveness_coach::cmd::check::SECONDS)]
        seconds: f64,
        #[arg(long, value_enum, default_value = "iris")]
        eyes: EyesArg,
    },
    /// Would a KYC check accept this photo of an ID document (passport, ID card, residence
    /// permit, driving licence)? Reads its machine-readable zone and every check digit, the
    /// name as the document writes it, and the expiry date. Exit 0 when every photo would pass,
    /// 1 when one would fail.
    Document {
        /// Photos of the document (or use --camera / --source for the live guide).
        #[arg(value_name = "INPUT", num_args = 1.., required_unless_present_any = ["camera", "source"])]
        inputs: Vec<PathBuf>,
        /// The live guide: a window over this camera with a card-shaped frame; it says what to
        /// change and takes the picture itself when a check would accept it.
        #[arg(long, value_name = "N", conflicts_with = "inputs")]
        camera: Option<u32>,
        /// The live guide over a recording instead of the camera (played at its own frame rate).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["inputs", "camera"])]
        source: Option<String>,
        /// No window: guide the recording given with --source and print what it says.
        #[arg(long, requires = "source")]
        headless: bool,
        /// Save the picture the live guide takes to PATH (PNG). Nothing is saved without it.
        #[arg(long, value_name = "PATH")]
        save: Option<PathBuf>,
        /// Window size of the live guide, WIDTHxHEIGHT.
        #[arg(long, value_name = "WxH", default_value = "960x720", value_parser = parse_size)]
        window: (usize, usize),
        /// Write the result as JSON to PATH (`-` for standard output); several photos give one
        /// object with a `documents` list.
        #[arg(long, value_name = "PATH")]
        json: Option<PathBuf>,
        /// Write document.json and summary.txt into DIR (the document number masked).
        #[arg(long, value_name = "DIR")]
        report: Option<PathBuf>,
        /// The name you plan to type in the form: says how it differs from the document's.
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Write the document number in full in --json and --report files (masked by default;
        /// the terminal always shows it).
        #[arg(long)]
        show_number: bool,
        /// Folder with the text-reading models (default: installed beside the program).
        #[arg(long, value_name = "DIR")]
        ocr_models: Option<PathBuf>,
        /// Judge the expiry date as on this day, YYYY-MM-DD (default: today).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        today: Option<liveness_coach::document::date::Date>,
    },
    /// List cameras and the formats they support.
    Cameras,
    /// Time every pipeline stage per frame on a recording (median, 95th percentile).
    Bench {
        input: String,
        #[arg(long, value_enum, default_value = "iris")]
        eyes: EyesArg,
        /// Play the clip N times as one continuous stream (a soak): memory and time per frame are printed after each pass.
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        repeat: u32,
        /// Leave out drawing the window's picture.
        #[arg(long)]
        no_draw: bool,
    },
}

fn lang(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::En) => Lang::En,
        Some(LangArg::Zh) => Lang::Zh,
        None => {
            Lang::from_env_value(&["LC_ALL", "LC_MESSAGES", "LANG"].map(|k| std::env::var(k).ok()))
        }
    }
}

fn eye_source(e: EyesArg) -> EyeSource {
    match e {
        EyesArg::Mesh => EyeSource::Mesh,
        EyesArg::Iris => EyeSource::Iris,
    }
}

fn parse_size(s: &str) -> Result<(usize, usize), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("`{s}` is not WIDTHxHEIGHT"))?;
    let w: usize = w
        .trim()
        .parse()
        .map_err(|_| format!("bad width in `{s}`"))?;
    let h: usize = h
        .trim()
        .parse()
        .map_err(|_| format!("bad height in `{s}`"))?;
    if !(320..=7680).contains(&w) || !(240..=4320).contains(&h) {
        return Err(format!("window {w}x{h} is outside 320x240 to 7680x4320"));
    }
    Ok((w, h))
}

fn parse_date(s: &str) -> Result<liveness_coach::document::date::Date, String> {
    liveness_coach::document::date::Date::parse_iso(s)
        .ok_or_else(|| format!("`{s}` is not a date YYYY-MM-DD"))
}

fn check_timeout(prompt_timeout: f64) -> anyhow::Result<()> {
    if !(prompt_timeout.is_finite() && (1.0..=600.0).contains(&prompt_timeout)) {
        anyhow::bail!("--prompt-timeout {prompt_timeout}: give a number of seconds from 1 to 600");
    }
    Ok(())
}

/// `practice`'s options that shape the session.
struct SessionArgs {
    challenges: Option<String>,
    seed: Option<u64>,
    no_intro: bool,
    prompt_timeout: f64,
    strict: bool,
    style: Style,
    no_flash: bool,
    headless: bool,
}

/// The session script from the command line.
fn practice_session(a: SessionArgs, lang: Lang) -> anyhow::Result<SessionConfig> {
    let SessionArgs {
        challenges,
        seed,
        no_intro,
        prompt_timeout,
        strict,
        style,
        no_flash,
        headless,
    } = a;
    check_timeout(prompt_timeout)?;
    // Given prompts are asked in the order given; otherwise the style's,
    // shuffled (a mixed session draws four of them).
    let shuffle = challenges.is_none();
    let draw = if shuffle && style == Style::Mixed {
        liveness_coach::session::style::MIXED_DRAW
    } else {
        0
    };
    let (challenges, asked_flash) = match challenges {
        Some(c) => plan::parse_practice(&c).map_err(|e| anyhow::anyhow!("--challenges: {e}"))?,
        None => (style.prompts().to_vec(), style.flashes()),
    };
    // The flash needs the screen: without a window it cannot be rehearsed.
    let flash = asked_flash && !no_flash && !headless;
    if asked_flash && headless && !no_flash {
        eprintln!("liveness-coach: {}", lang.text(Msg::FlashNeedsWindow));
    }
    if challenges.is_empty() && !flash {
        anyhow::bail!("--challenges: nothing left to ask (the colour flash is off)");
    }
    // A new order each run unless a seed is given; the seed used is in the report.
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    Ok(SessionConfig {
        challenges,
        shuffle,
        seed,
        prompt_timeout_s: prompt_timeout,
        intro: !no_intro,
        wait_for_key: false,
        strict,
        style,
        draw,
        flash,
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = lang(cli.lang);
    let result = match cli.command {
        Command::Analyze {
            inputs,
            json,
            report,
            frames,
            challenges,
            prompt_timeout,
            eyes,
            quiet,
        } => check_timeout(prompt_timeout)
            .and_then(|()| {
                challenges
                    .map(|c| plan::parse_challenges(&c))
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("--challenges: {e}"))
            })
            .and_then(|challenges| {
                cmd::analyze::run(&cmd::analyze::AnalyzeArgs {
                    inputs,
                    json,
                    report,
                    frames,
                    challenges,
                    prompt_timeout_s: prompt_timeout,
                    models: cli.models,
                    options: AnalyzerOptions {
                        eye_source: eye_source(eyes),
                    },
                    lang,
                    quiet,
                })
            })
            .map(|docs| docs.iter().all(|d| d.error.is_none())),
        Command::Practice {
            camera,
            source,
            headless,
            challenges,
            seed,
            no_intro,
            prompt_timeout,
            strict,
            style,
            no_flash,
            report,
            report_dir,
            record,
            landmarks,
            eyes,
            window,
        } => practice_session(
            SessionArgs {
                challenges,
                seed,
                no_intro,
                prompt_timeout,
                strict,
                style: style_of(style),
                no_flash,
                headless,
            },
            lang,
        )
        .and_then(|session| {
            cmd::practice::run(&cmd::practice::PracticeArgs {
                camera,
                source,
                headless,
                session,
                report,
                report_dir,
                record,
                landmarks,
                models: cli.models,
                options: AnalyzerOptions {
                    eye_source: eye_source(eyes),
                },
                lang,
                window,
            })
        }),
        Command::Check {
            camera,
            source,
            seconds,
            eyes,
        } => cmd::check::run(&cmd::check::CheckArgs {
            camera,
            source,
            seconds,
            models: cli.models,
            options: AnalyzerOptions {
                eye_source: eye_source(eyes),
            },
            lang,
        }),
        Command::Document {
            camera,
            source,
            save,
            ..
        } if save.is_some() && camera.is_none() && source.is_none() => Err(anyhow::anyhow!(
            "--save keeps the picture the live guide takes: use it with --camera N or --source FILE"
        )),
        Command::Document {
            inputs,
            camera,
            source,
            headless,
            save,
            window,
            json,
            report,
            name,
            show_number,
            ocr_models,
            today,
        } => cmd::document::run(&cmd::document::DocumentArgs {
            inputs,
            json,
            report,
            name,
            show_number,
            ocr_models,
            today,
            lang,
            live: (camera.is_some() || source.is_some()).then(|| cmd::document_live::LiveOptions {
                camera: camera.unwrap_or(0),
                source,
                headless,
                save,
                window,
            }),
        }),
        Command::Cameras => cmd::cameras(),
        Command::Bench {
            input,
            eyes,
            repeat,
            no_draw,
        } => cmd::bench::run(
            &input,
            cli.models.as_deref(),
            cmd::bench::BenchOptions {
                analyzer: AnalyzerOptions {
                    eye_source: eye_source(eyes),
                },
                repeat,
                draw: !no_draw,
            },
            &mut std::io::stdout().lock(),
        )
        .map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("liveness-coach: {e:#}");
            ExitCode::from(2)
        }
    }
}
