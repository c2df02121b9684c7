import Foundation

// Offline language identification: script detection first, then, for scripts shared by
// several languages (Latin, Cyrillic, Arabic), a score built from per-language stopword
// hits, alphabet-specific letters and a few distinctive letter sequences. The word lists
// below are hand-written (~50–100 very common words each); no model, no network.

/// Writing systems the detector distinguishes.
enum TextScript: String, Sendable, CaseIterable {
    case latin, cyrillic, greek, arabic, hebrew, devanagari, bengali, tamil, thai, georgian, armenian
    case hangul, kana, han, other

    /// Script of one Unicode scalar, or nil for non-letters (digits, punctuation, emoji...).
    static func of(_ scalar: Unicode.Scalar) -> TextScript? {
        let v = scalar.value
        switch v {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
            return v == 0xD7 || v == 0xF7 ? nil : .latin
        case 0x0370...0x03FF, 0x1F00...0x1FFF: return .greek
        case 0x0400...0x052F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F: return .cyrillic
        case 0x0530...0x058F: return .armenian
        case 0x0590...0x05FF, 0xFB1D...0xFB4F: return .hebrew
        case 0x0600...0x06FF, 0x0750...0x077F, 0x08A0...0x08FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF: return .arabic
        case 0x0900...0x097F: return .devanagari
        case 0x0980...0x09FF: return .bengali
        case 0x0B80...0x0BFF: return .tamil
        case 0x0E00...0x0E7F: return .thai
        case 0x10A0...0x10FF, 0x2D00...0x2D2F: return .georgian
        case 0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF: return .hangul
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F: return .kana
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F: return .han
        default:
            return scalar.properties.isAlphabetic ? .other : nil
        }
    }
}

/// One candidate language with its confidence in 0...1.
struct LanguageCandidate: Equatable, Sendable {
    let code: String
    let name: String
    let confidence: Double
}

/// Result of `LanguageDetector.detect(_:)`.
struct LanguageDetection: Equatable, Sendable {
    /// ISO 639-1 code ("en", "de", "zh", ...); "und" when nothing can be said.
    let language: String
    /// English name of `language` ("Undetermined" for "und").
    let name: String
    /// 0...1; low for short or ambiguous text, 0 for "und".
    let confidence: Double
    /// Up to three best candidates, best first (empty for "und").
    let candidates: [LanguageCandidate]
    /// Dominant script of the text's letters, nil when the text has no letters.
    let script: TextScript?

    static let undetermined = LanguageDetection(language: "und", name: "Undetermined", confidence: 0, candidates: [], script: nil)
}

/// Per-language data used for scoring and by the summarizer / keyword extractor as stopwords.
struct LanguageProfile: Sendable {
    let code: String
    let name: String
    let script: TextScript
    /// Very common function words, lowercased.
    let stopwords: Set<String>
    /// Non-ASCII letters of the language's alphabet (Latin) or letters specific to it within its script.
    let letters: Set<Character>
    /// Distinctive letter sequences (2–4 characters; a space marks a word boundary).
    let sequences: [String]

    init(_ code: String, _ name: String, _ script: TextScript, stopwords: String, letters: String = "", sequences: String = "") {
        self.code = code
        self.name = name
        self.script = script
        self.stopwords = Set(stopwords.split(separator: " ").map { String($0).lowercased() })
        self.letters = Set(letters.filter { !$0.isWhitespace })
        self.sequences = sequences.split(separator: "|").map(String.init)
    }
}

enum LanguageDetector {
    // MARK: Language data

    /// Languages scored by stopwords/letters; each belongs to a shared script.
    static let scoredProfiles: [LanguageProfile] = [
        LanguageProfile("en", "English", .latin, stopwords: """
            the of and to in is that it was for on are with as his they be at one have this from or had by but not \
            what all were we when your can said there an which she do their if will would about how up out them then \
            many some so these her has him been than its who now could my more also into only other our just over such \
            because any most through should very where after those while being both does each you he i me no did s t \
            don isn wasn
            """, sequences: " th|the|ing |ght|wh| and|ould|ly |tion"),
        LanguageProfile("de", "German", .latin, stopwords: """
            der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er \
            hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur oder aber vor \
            zur bis mehr durch man sein wurde sei ich wir ihr können kann wenn was diese dieser schon sehr unter gegen \
            immer hier jetzt weil uns ihre seine kein keine doch wieder ob dann da gibt viele heute
            """, letters: "äöüß", sequences: "sch|cht|ung |ich |eit|tz|ei|ie |ß"),
        LanguageProfile("nl", "Dutch", .latin, stopwords: """
            de en van het een in is dat op te zijn voor met die niet aan er om ook als maar bij of uit nog wordt door \
            worden naar heeft dan zo zou over kan hij ze wij we ik je jij u haar hun deze dit wat was waren geen meer al \
            veel onder tot tussen omdat wel nu hebben hier daar want moet mijn zich toen nieuwe alleen echter werd kunnen
            """, letters: "ëïéè", sequences: "ij|oe|aa|uu|ee|sch|cht|ijk| ge|en |lijk"),
        LanguageProfile("es", "Spanish", .latin, stopwords: """
            de la que el en y a los del se las por un para con no una su al lo como más pero sus le ya o este sí porque \
            esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos uno les ni \
            contra otros ese eso ante ellos e esto mí antes algunos qué unos yo otro otras otra él tanto esa estos mucho \
            nada muchos cual poco ella estar estas es son está fue ha han sido puede hace cada
            """, letters: "áéíóúñü¿¡", sequences: "ción|os |as |ll|ñ|ue |ado |ía"),
        LanguageProfile("pt", "Portuguese", .latin, stopwords: """
            de a o que e do da em um para é com não uma os no se na por mais as dos como mas foi ao ele das tem à seu \
            sua ou ser quando muito há nos já está eu também só pelo pela até isso ela entre era depois sem mesmo aos \
            ter seus quem nas me esse eles estão você tinha foram essa num nem suas meu às minha têm numa pelos elas \
            havia seja qual será nós são este esta pode sobre ainda
            """, letters: "áâãàçéêíóôõúü", sequences: "ção|ões|ão |nh|lh|ção|em |mos "),
        LanguageProfile("fr", "French", .latin, stopwords: """
            le la les de des du un une et à en est que qui dans pour pas sur au aux avec ce ces il elle ils elles nous \
            vous je tu on se sa son ses leur leurs mais ou où par plus ne y été être avoir a ont sont était fait comme \
            tout tous cette cet aussi bien très sans même peut entre après avant dont car si donc encore chez lui moi l \
            d qu c n j s m
            """, letters: "àâæçéèêëîïôœùûüÿ", sequences: "eau|oi|ou|qu|ent |aux |eux|ais|é "),
        LanguageProfile("it", "Italian", .latin, stopwords: """
            di e il la che è per un in a non una sono del della i le si da con gli al lo ma come anche più nel alla dei \
            delle questo questa ha ci se o mi ne suo sua loro quando molto tutto tutti dopo ancora essere stato stata \
            fatto cosa perché però solo tra fra sempre già nella nelle degli dal dalla sul sulla ed io lui lei noi voi \
            hanno aveva era erano può qui così dove quale ogni l dell all nell un sull
            """, letters: "àèéìíòóù", sequences: "zion|gli|cch|zz|tt|ità|ell|ett|i |o "),
        LanguageProfile("sv", "Swedish", .latin, stopwords: """
            och i att det som en på är av för med till den har de inte om ett han men var jag sig från vi så kan man \
            när år säger hon under också efter eller nu sin där vid mot ska skulle kommer ut får finns vara hade alla \
            andra mycket än här då sedan över bara blir upp hans hennes dem vad något några denna detta dessa utan \
            varit hur ingen mellan vilket sina sitt oss mig dig henne
            """, letters: "åäöé", sequences: "och|ck|tt|sk|tj|ng |ar |lj|stj"),
        LanguageProfile("da", "Danish", .latin, stopwords: """
            og i at det er en til på de den af med for som har ikke jeg et han var sig men vi om så kan hun der fra \
            skal blev ved eller også efter havde sin være bliver man nu når mig dig meget hvad noget nogle andre alle \
            hvor hvis mod under uden mellem gennem over her da end dem deres jer sammen selv hele kun ud op både lige \
            måske hos vores blevet siger mere mange igen frem nye
            """, letters: "æøåé", sequences: "hv|øj|lige|hed |gt |ede |tion|af "),
        LanguageProfile("no", "Norwegian", .latin, stopwords: """
            og i det er en til på at som de den av med for har ikke jeg et han var seg men vi om så kan hun der fra \
            skal ble ved eller også etter hadde sin være blir man nå når meg deg mye hva noe noen andre alle hvor hvis \
            mot under uten mellom gjennom over her da enn dem deres dere sammen selv hele bare ut opp både kanskje hos \
            vår våre blitt sier mer mange igjen fram veldig hvordan sitt sine dette disse
            """, letters: "æøåé", sequences: "sjon|kj|gj|skj|het |lig |hv|av "),
        LanguageProfile("fi", "Finnish", .latin, stopwords: """
            ja on ei se että hän oli ovat mutta kun niin joka jotka tai myös kuin ole olla ollut sen hänen ne tämä \
            tämän nämä mikä mitä jos vain vielä nyt jo kanssa sekä mukaan koska sitten siitä sitä siinä kaikki hyvin \
            paljon voi voidaan olen olet olemme me te he minä sinä meidän heidän tässä täällä missä miten miksi ehkä \
            aina joten kuten eli ennen jälkeen ilman yli alle joita
            """, letters: "äöå", sequences: "ää|yy|uu|ii|kk|tt|nen |ssa |llä|sta |ksi |ise"),
        LanguageProfile("pl", "Polish", .latin, stopwords: """
            i w nie na się z do to że jest jak o a co po ale tak od za jego są dla przez już może tylko czy ich by był \
            była było były jej ten ta te tego tej tym który która które którzy bardzo także też jako gdy kiedy jeszcze \
            więc oraz lub przy pod nad ze we mnie mi go nas was ja ty on ona my wy oni tu tam bo ma mają można jednak \
            gdzie sobie będzie
            """, letters: "ąćęłńóśźż", sequences: "rz|cz|sz|prz|ści|ych|owa|ie |ó"),
        LanguageProfile("cs", "Czech", .latin, stopwords: """
            a v se na je že s z o do to i k ve jako ale pro by jsou jsem byl byla bylo byli si jeho její jejich tak jak \
            po při od za už jen také tento tato toto ten ta které který která když nebo co kde mezi podle před bez \
            není nejsou může můžeme bude budou velmi ještě však proto protože já ty on ona my vy oni mi mě nás vás jim \
            tam tady zde
            """, letters: "áčďéěíňóřšťúůýž", sequences: "ch|ost|ní |ých|ou |ř|ě"),
        LanguageProfile("tr", "Turkish", .latin, stopwords: """
            ve bir bu da de için ile olarak çok daha en gibi ama o ben sen biz siz onlar şu her ne mi mı mu mü var yok \
            olan kadar sonra önce değil ise ya veya hem ki diye bile şey çünkü eğer göre kendi tüm bütün bazı birçok \
            nasıl neden nerede zaman oldu olduğu olur idi yani ayrıca aynı arasında üzerinde hiç artık sadece hep \
            şimdi burada bunu buna bunun onu ona onun
            """, letters: "çğıöşüâî", sequences: "lar|ler|ını|yor|dır|nın|ın |an "),
        LanguageProfile("ro", "Romanian", .latin, stopwords: """
            și în de la cu a pe o un care este sunt din nu se că mai ce pentru sau al ale lui le ca fost au dar după \
            prin fi va fie acest această aceste acestea cel cea cei cele foarte doar încă când unde cum el ea ei ele eu \
            tu noi voi ne vă lor său sale mult multe toate tot între despre spre fără decât iar deci are avea poate \
            şi că
            """, letters: "ăâîșțşţ", sequences: "ul |lui|ție|ii |ea |ă |ră"),
        LanguageProfile("hu", "Hungarian", .latin, stopwords: """
            a az és hogy nem is egy meg de ez csak már van volt lesz mint még el ki be fel le azt ezt itt ott vagy ha \
            mert sem majd pedig után alatt között szerint nagyon minden más sok mi ők én te ő ti neki nekem lehet kell \
            amely amelyek ami aki akik ahol amikor mikor hol miért hogyan most több nincs vannak voltak ilyen olyan \
            azonban tehát illetve valamint
            """, letters: "áéíóöőúüű", sequences: "sz|gy|ny|cs|zs|ak |ek |ban |ben |nak |nek "),
        LanguageProfile("id", "Indonesian", .latin, stopwords: """
            yang dan di ini itu dengan untuk tidak dari dalam akan pada juga saya ke karena tersebut bisa ada mereka \
            lebih kami kita oleh sudah atau seperti hanya sebagai jika kalau telah dapat banyak masih namun harus \
            tetapi tapi bahwa ia dia anda kamu sangat semua setelah belum bagi antara saat ketika hingga sampai baru \
            lagi para serta secara tentang sebuah agar sehingga maka adalah merupakan kepada bukan pun
            """, sequences: "ng |nya |kan |ah |meng|ber|ter|ny"),
        LanguageProfile("vi", "Vietnamese", .latin, stopwords: """
            và của có là không cho được này với các những một người trong để đã khi cũng như đến về từ nhưng thì sẽ ra \
            tôi bạn chúng họ nó đó nhiều rất đang làm theo hay hoặc vì nên sau trên dưới mà nếu lại vào năm việc còn \
            chỉ bị đi ở tại giữa
            """, letters: """
            àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ
            """, sequences: "ng |nh|ươ|ườ|ch"),

        LanguageProfile("ru", "Russian", .cyrillic, stopwords: """
            и в не на я что он с как а то все она так его но да ты к у же вы за бы по только ее её мне было вот от меня \
            еще ещё нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас уж вам ведь там потом \
            себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам без чего раз тоже себе под \
            будет это этот эта эти который которые очень также при
            """, letters: "ыэёъ", sequences: "ого |ств|ние|ться|ый |ий "),
        LanguageProfile("uk", "Ukrainian", .cyrillic, stopwords: """
            і й в у не на що це як з та до а але від за по для він вона воно вони ми ви я ти його її їх був була було \
            були є бути буде також якщо чи тому коли вже ще або теж щоб де там тут дуже між після перед через при \
            про без цей ця ці цього який яка яке які свій своє мене мені нас вас може можна треба тільки лише навіть \
            усі всі все зі із
            """, letters: "іїєґ", sequences: "ння|ськ|ій |ть |ів "),
        LanguageProfile("bg", "Bulgarian", .cyrillic, stopwords: """
            и в на за да се че от с не е са това той тя те то по като но ще със който която което които беше бяха има \
            няма много след при до най ли ни ги му й си съм сме сте ние вие аз ти тук там когато ако или както така \
            също само още вече защото между без през към пред под над този тази тези всички всеки може трябва бил \
            била било били
            """, letters: "ъ", sequences: "та |то |ите|ът |ция"),

        LanguageProfile("ar", "Arabic", .arabic, stopwords: """
            في من على إلى الى أن ان عن مع هذا هذه ذلك التي الذي الذين كان كانت و ما لا قد كل بين هو هي لم لن أو او ثم \
            إن إذا حتى بعد قبل عند منذ أي غير بعض أكثر حيث كما لكن هناك يكون يمكن ليس نحن هم أنا أنت له لها به بها \
            فيه فيها منه عليه ولا وفي ومن وهو وقد فقط جدا أيضا اليوم الآن
            """, letters: "ةىيكإأؤئ", sequences: " ال|ال"),
        LanguageProfile("fa", "Persian", .arabic, stopwords: """
            و در به از که این را با است برای آن یک خود تا هم بر شد می های ها شده بود کرد کند نیز اما یا اگر هر دیگر ما \
            من او شما آنها بین پس پیش چه چون چنین همه باید بسیار نه هیچ وی بی شود دارد دارند کرده خواهد نمی همین سال \
            روی زیر درباره
            """, letters: "پچژگکی", sequences: "ها |ی |می "),
        LanguageProfile("ur", "Urdu", .arabic, stopwords: """
            کے کی میں ہے اور کا سے کو یہ نے ہیں پر ایک تھا تھی تھے بھی ہو وہ کہ جو اس ان کر کیا گیا لیے لئے ہی تو نہیں \
            ہوں رہا رہی سکتا سکتے جب تک اپنے اپنی بہت کچھ کوئی ساتھ بعد پہلے یا لیکن اگر کیونکہ ہم آپ تم انہوں جس جن \
            دیا ہوتا ہوتی والے والی
            """, letters: "ٹڈڑںےھۂۃ", sequences: "ے |ں |ھ"),
    ]

    /// Languages identified by their script alone (plus stopwords for keyword extraction).
    static let scriptProfiles: [LanguageProfile] = [
        LanguageProfile("el", "Greek", .greek, stopwords: """
            και το η ο της του των τα οι σε να με για που από στο στη στην στον τον την είναι ένα μια δεν θα ως αλλά ή \
            αυτό αυτή αυτός τις τους στα στις όπως πολύ μετά πριν όταν επίσης μόνο έχει έχουν ήταν κατά προς χωρίς
            """),
        LanguageProfile("he", "Hebrew", .hebrew, stopwords: """
            של את על עם זה זו הוא היא הם הן אני אתה אנחנו לא כי גם או אם מה כל יש אין היה הייתה היו אבל רק עוד כמו \
            אחרי לפני בין אל מן כך כבר מאוד להיות שלא אשר הזה הזאת אלה יותר
            """),
        LanguageProfile("hi", "Hindi", .devanagari, stopwords: """
            का के की है में और को से पर यह वह एक हैं था थी थे भी तो ही कि जो ने लिए कर किया हो रहा रही गया गई नहीं इस \
            उस इन उन कुछ बहुत सकते सकता अपने अपनी साथ बाद तक जब या लेकिन अगर क्योंकि हम आप मैं वे होता होती द्वारा
            """),
        LanguageProfile("bn", "Bengali", .bengali, stopwords: """
            এবং ও এই সেই একটি যে করে হয় ছিল থেকে জন্য না তার তিনি আমি আমরা তুমি আপনি কিন্তু বা যদি সব কোন এক করা হবে
            """),
        LanguageProfile("ta", "Tamil", .tamil, stopwords: """
            மற்றும் ஒரு இந்த அந்த என்று உள்ள அது இது என்ன அவர் நான் நாம் நீங்கள் ஆனால் அல்லது இல்லை உம் தான்
            """),
        LanguageProfile("th", "Thai", .thai, stopwords: "และ ที่ ของ ใน เป็น มี ได้ ไม่ ให้ การ ว่า จะ กับ นี้ ก็ แต่ หรือ"),
        LanguageProfile("ka", "Georgian", .georgian, stopwords: "და არის რომ ეს ის არ მაგრამ თუ ან ასევე ყველა"),
        LanguageProfile("hy", "Armenian", .armenian, stopwords: "և է որ այս այդ են էր մի ու չէ բայց եթե կամ նաև"),
        LanguageProfile("ko", "Korean", .hangul, stopwords: """
            그리고 그러나 하지만 또한 또 및 등 이 그 저 것 수 있다 있는 있습니다 합니다 한 하는 위해 대한 때문에 통해 같은 더 많은 가장 \
            모든 우리 그들 이런 그런 어떤 있고 있어 없는 없다 했다 한다 된다 되는 이는 그는 그녀는 매우
            """),
        LanguageProfile("ja", "Japanese", .kana, stopwords: """
            の に は を た が で て と し れ さ も な い か だ へ や ら す る ま う こ そ あ っ ょ ゃ ゅ ん ず ば こと もの よう \
            これ それ あれ この その ため から まで より など です ます ある いる する なる
            """),
        LanguageProfile("zh", "Chinese", .han, stopwords: """
            的 了 是 在 和 也 就 都 而 及 与 着 或 我 你 他 她 它 这 那 之 为 以 于 不 们 把 被 让 从 到 但 很 吗 呢 吧 啊 其 该 此 \
            等 将 并 又 或者 因为 所以 如果 我们 他们 这个 一个 没有 可以 已经 非常
            """),
    ]

    static let allProfiles: [LanguageProfile] = scoredProfiles + scriptProfiles

    /// Every language code the detector can return (besides "und").
    static var supportedLanguages: [String] { allProfiles.map(\.code) }

    static func profile(for code: String) -> LanguageProfile? {
        let code = code.lowercased()
        let normalized = code == "nb" || code == "nn" ? "no" : code
        return allProfiles.first { $0.code == normalized }
    }

    static func name(for code: String) -> String {
        profile(for: code)?.name ?? "Undetermined"
    }

    /// Stopwords of `code` (empty for unknown codes).
    static func stopwords(for code: String) -> Set<String> {
        profile(for: code)?.stopwords ?? []
    }

    /// For each stopword / letter / sequence, how many languages of the same script list it.
    /// Evidence shared by k languages counts 1/√k (stopwords) or 1/k (letters, sequences).
    private static let stopwordSharing: [String: Int] = {
        var counts: [String: Int] = [:]
        for p in scoredProfiles { for w in p.stopwords { counts[p.script.rawValue + ":" + w, default: 0] += 1 } }
        return counts
    }()

    private static let letterSharing: [String: Int] = {
        var counts: [String: Int] = [:]
        for p in scoredProfiles { for c in p.letters { counts[p.script.rawValue + ":" + String(c), default: 0] += 1 } }
        return counts
    }()

    private static let sequenceSharing: [String: Int] = {
        var counts: [String: Int] = [:]
        for p in scoredProfiles { for s in Set(p.sequences) { counts[p.script.rawValue + ":" + s, default: 0] += 1 } }
        return counts
    }()

    // MARK: Detection

    /// Detects the language of `text` (throws only when it exceeds `TextLimits.maxCharacters`).
    static func detect(_ text: String) throws(TextAnalysisError) -> LanguageDetection {
        try TextLimits.validate(text)
        return detectUnchecked(text)
    }

    /// Detection without the length check (callers have validated already). Looks at the
    /// first ~20,000 characters, which is plenty for a stable answer.
    static func detectUnchecked(_ text: String) -> LanguageDetection {
        let sample = Array(text.prefix(20_000))
        var scriptCounts: [TextScript: Double] = [:]
        for c in sample {
            guard let scalar = c.unicodeScalars.first, let script = TextScript.of(scalar) else { continue }
            // Han/Kana characters carry about half a word each; weight them up against alphabets.
            let weight: Double = (script == .han || script == .kana) ? 2 : 1
            scriptCounts[script, default: 0] += weight
        }
        let totalLetters = scriptCounts.values.reduce(0, +)
        guard totalLetters > 0 else { return .undetermined }

        // Han and Kana compete together (Japanese mixes both).
        var grouped = scriptCounts
        let cjk = (grouped[.han] ?? 0) + (grouped[.kana] ?? 0)
        grouped[.han] = nil
        grouped[.kana] = nil
        if cjk > 0 { grouped[.han] = cjk }
        let ordered = grouped.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
        let dominant = ordered[0].key
        let share = ordered[0].value / totalLetters
        let tokens = TextTokenizer.words(in: sample)

        var ranked: [(code: String, confidence: Double)]
        switch dominant {
        case .latin, .cyrillic, .arabic:
            ranked = scoreShared(script: dominant, tokens: tokens)
            if ranked.isEmpty, dominant != .latin {
                // No evidence beyond the script: fall back to the script's languages in order of
                // how widely they are written, with low confidence.
                let words = Double(tokens.filter { $0.kind == .word }.count)
                let reliability = 1 - exp(-words / 6)
                ranked = scoredProfiles.filter { $0.script == dominant }.enumerated().map { index, profile in
                    (profile.code, reliability * 0.3 / Double(index + 1))
                }
            }
        case .han:
            let kana = scriptCounts[.kana] ?? 0
            let ideographs = tokens.filter { $0.kind == .ideograph }.count
            let reliability = 1 - exp(-Double(ideographs) / 8)
            if kana >= 0.1 * cjk {
                ranked = [("ja", reliability), ("zh", reliability * 0.05)]
            } else {
                // Han only: Chinese, though a short kanji-only string could be Japanese.
                let zhConfidence = reliability * (kana > 0 ? 0.7 : 0.9)
                ranked = [("zh", zhConfidence), ("ja", reliability * 0.1)]
            }
        case .other:
            return .undetermined
        default:
            guard let profile = scriptProfiles.first(where: { $0.script == dominant }) else { return .undetermined }
            // Scripts written without spaces (Thai) have few "words": count ~5 letters as one.
            let words = tokens.filter { $0.kind == .word }.count
            let letters = Int(ordered[0].value)
            ranked = [(profile.code, 1 - exp(-Double(max(words, letters / 5)) / 3))]
        }
        guard !ranked.isEmpty else { return .undetermined }

        // A minority script contributes its own best guess as a lower candidate.
        if ordered.count > 1, ranked.count < 3 || ordered[1].value >= 0.1 * totalLetters {
            let second = ordered[1]
            let fallback: String? = switch second.key {
            case .latin: "en"
            case .han: (scriptCounts[.kana] ?? 0) > 0 ? "ja" : "zh"
            case .other: nil
            default: scriptProfiles.first { $0.script == second.key }?.code ?? scoredProfiles.first { $0.script == second.key }?.code
            }
            if let fallback, !ranked.contains(where: { $0.code == fallback }) {
                // Confidences are multiplied by the dominant share below; undo that for this one.
                ranked.append((fallback, second.value / totalLetters * 0.5 / share))
                ranked.sort { $0.confidence > $1.confidence }
            }
        }
        let candidates = ranked.prefix(3).map {
            LanguageCandidate(code: $0.code, name: name(for: $0.code), confidence: clamp($0.confidence * share))
        }
        guard let best = candidates.first else { return .undetermined }
        // The script of the winning language (Japanese, written in Han + Kana, reports Kana).
        let script: TextScript = best.code == "ja" ? .kana : (profile(for: best.code)?.script ?? dominant)
        return LanguageDetection(language: best.code, name: best.name, confidence: best.confidence,
                                 candidates: Array(candidates), script: script)
    }

    private static func clamp(_ x: Double) -> Double {
        guard x.isFinite else { return 0 }
        return min(max(x, 0), 1)
    }

    /// Scores all languages written in `script`; returns (code, confidence) best first, or
    /// an empty array when there is no evidence at all.
    private static func scoreShared(script: TextScript, tokens: [WordToken]) -> [(code: String, confidence: Double)] {
        let profiles = scoredProfiles.filter { $0.script == script }
        // Words, lowercased, split at apostrophes ("l'eau" → "l", "eau"), first 2,000 only.
        var words: [String] = []
        // Only words written in the script being scored (mixed-script text).
        for token in tokens where token.kind == .word && token.text.unicodeScalars.first.flatMap(TextScript.of) == script {
            for part in token.lowercased.split(whereSeparator: { $0 == "'" || $0 == "\u{2019}" }) {
                words.append(String(part))
            }
            if words.count >= 2_000 { break }
        }
        guard !words.isEmpty else { return [] }
        let n = Double(words.count)
        let prefix = script.rawValue + ":"

        var scores = [Double](repeating: 0, count: profiles.count)
        // 1. Stopwords.
        for word in words {
            guard let shared = stopwordSharing[prefix + word] else { continue }
            let weight = 1 / Double(shared).squareRoot()
            for (i, p) in profiles.enumerated() where p.stopwords.contains(word) { scores[i] += weight / n }
        }
        // 2. Alphabet letters: a bonus for letters of the language, a penalty for letters foreign to it.
        var letterCounts: [Character: Int] = [:]
        for word in words {
            for c in word where !c.isASCII && c.isLetter { letterCounts[c, default: 0] += 1 }
        }
        let hasSpecificLetters = profiles.contains { !$0.letters.isEmpty }
        if hasSpecificLetters {
            for (c, count) in letterCounts {
                let shared = letterSharing[prefix + String(c)] ?? 0
                for (i, p) in profiles.enumerated() {
                    if p.letters.contains(c) {
                        scores[i] += 0.5 * Double(count) / Double(shared) / n
                    } else if script == .latin {
                        // Only meaningful for alphabets where each language lists its extra letters.
                        scores[i] -= 0.6 * Double(count) / n
                    }
                }
            }
        }
        // 3. Distinctive sequences.
        let padded = Array(" " + words.joined(separator: " ") + " ")
        for (i, p) in profiles.enumerated() {
            var total = 0.0
            for sequence in p.sequences {
                let shared = Double(sequenceSharing[prefix + sequence] ?? 1)
                total += Double(occurrences(of: Array(sequence), in: padded)) / shared
            }
            scores[i] += 0.08 * total / n
        }

        guard let top = scores.max(), top > 0.02 else { return [] }
        // Softmax over scores; reliability grows with the number of words seen.
        let beta = 20.0
        let exps = scores.map { exp(beta * ($0 - top)) }
        let sum = exps.reduce(0, +)
        let reliability = 1 - exp(-n / 6)
        // Weak evidence (few stopwords) also lowers confidence.
        let strength = min(1, top / 0.25)
        return zip(profiles, exps)
            .map { (code: $0.code, confidence: $1 / sum * reliability * (0.5 + 0.5 * strength)) }
            .sorted { $0.confidence > $1.confidence }
    }

    private static func occurrences(of pattern: [Character], in text: [Character]) -> Int {
        guard !pattern.isEmpty, text.count >= pattern.count else { return 0 }
        var count = 0
        let first = pattern[0]
        var i = 0
        let last = text.count - pattern.count
        while i <= last {
            if text[i] == first {
                var match = true
                var k = 1
                while k < pattern.count {
                    if text[i + k] != pattern[k] { match = false; break }
                    k += 1
                }
                if match { count += 1 }
            }
            i += 1
        }
        return count
    }
}
