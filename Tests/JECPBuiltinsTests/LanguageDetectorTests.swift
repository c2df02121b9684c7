import Testing
@testable import JECPBuiltins

@Suite("Text analysis: language detection")
struct LanguageDetectorTests {
    /// Hand-written 2–3 sentence samples, one per language.
    static let samples: [(code: String, text: String)] = [
        ("en", "The weather was unusually warm for the middle of October. Most people in the village spent the afternoon outside, talking with their neighbours and enjoying the last sunny days of the year."),
        ("de", "Das Wetter war für Mitte Oktober ungewöhnlich warm. Die meisten Leute im Dorf verbrachten den Nachmittag draußen und genossen die letzten sonnigen Tage des Jahres. Niemand wollte schon nach Hause gehen."),
        ("fr", "Le temps était exceptionnellement doux pour la mi-octobre. La plupart des habitants du village ont passé l'après-midi dehors, à discuter avec leurs voisins et à profiter des derniers jours de soleil de l'année."),
        ("es", "El tiempo era inusualmente cálido para mediados de octubre. La mayoría de la gente del pueblo pasó la tarde fuera, hablando con sus vecinos y disfrutando de los últimos días de sol del año."),
        ("it", "Il tempo era insolitamente caldo per la metà di ottobre. La maggior parte degli abitanti del paese ha passato il pomeriggio all'aperto, chiacchierando con i vicini e godendosi gli ultimi giorni di sole dell'anno."),
        ("pt", "O tempo estava invulgarmente quente para meados de outubro. A maioria das pessoas da aldeia passou a tarde na rua, a conversar com os vizinhos e a aproveitar os últimos dias de sol do ano."),
        ("nl", "Het weer was ongewoon warm voor half oktober. De meeste mensen in het dorp brachten de middag buiten door, praatten met hun buren en genoten van de laatste zonnige dagen van het jaar."),
        ("sv", "Vädret var ovanligt varmt för att vara i mitten av oktober. De flesta i byn tillbringade eftermiddagen utomhus, pratade med sina grannar och njöt av årets sista soliga dagar."),
        ("da", "Vejret var usædvanligt varmt for midten af oktober. De fleste i landsbyen tilbragte eftermiddagen udenfor, hvor de snakkede med naboerne og nød årets sidste solrige dage. Ingen havde lyst til at gå ind."),
        ("no", "Været var uvanlig varmt til å være midt i oktober. De fleste i bygda tilbrakte ettermiddagen ute, pratet med naboene og nøt årets siste solfylte dager. Ingen hadde lyst til å gå inn igjen."),
        ("fi", "Sää oli lokakuun puoliväliksi poikkeuksellisen lämmin. Useimmat kyläläiset viettivät iltapäivän ulkona, juttelivat naapuriensa kanssa ja nauttivat vuoden viimeisistä aurinkoisista päivistä."),
        ("pl", "Pogoda była niezwykle ciepła jak na połowę października. Większość mieszkańców wsi spędziła popołudnie na dworze, rozmawiając z sąsiadami i ciesząc się ostatnimi słonecznymi dniami roku."),
        ("cs", "Počasí bylo na polovinu října neobvykle teplé. Většina obyvatel vesnice strávila odpoledne venku, povídala si se sousedy a užívala si posledních slunečných dnů v roce."),
        ("tr", "Hava ekim ayının ortası için alışılmadık derecede sıcaktı. Köydeki insanların çoğu öğleden sonrayı dışarıda, komşularıyla sohbet ederek ve yılın son güneşli günlerinin tadını çıkararak geçirdi."),
        ("ro", "Vremea a fost neobișnuit de caldă pentru mijlocul lunii octombrie. Cei mai mulți oameni din sat și-au petrecut după-amiaza afară, stând de vorbă cu vecinii și bucurându-se de ultimele zile însorite ale anului."),
        ("hu", "Az időjárás szokatlanul meleg volt október közepéhez képest. A falu lakóinak többsége a délutánt a szabadban töltötte, a szomszédokkal beszélgetett, és élvezte az év utolsó napsütéses napjait."),
        ("id", "Cuaca hari itu sangat hangat untuk pertengahan bulan Oktober. Sebagian besar warga desa menghabiskan sore di luar rumah, mengobrol dengan tetangga dan menikmati hari-hari cerah terakhir tahun ini."),
        ("vi", "Thời tiết ấm áp một cách bất thường vào giữa tháng mười. Hầu hết người dân trong làng đã dành cả buổi chiều ở ngoài trời, trò chuyện với hàng xóm và tận hưởng những ngày nắng cuối cùng của năm."),
        ("ru", "Погода была необычно тёплой для середины октября. Большинство жителей деревни провели день на улице, разговаривая с соседями и наслаждаясь последними солнечными днями года."),
        ("uk", "Погода була незвично теплою як на середину жовтня. Більшість мешканців села провели день на вулиці, розмовляючи з сусідами та насолоджуючись останніми сонячними днями року."),
        ("bg", "Времето беше необичайно топло за средата на октомври. Повечето хора в селото прекараха следобеда навън, като си говореха със съседите и се наслаждаваха на последните слънчеви дни от годината."),
        ("el", "Ο καιρός ήταν ασυνήθιστα ζεστός για τα μέσα Οκτωβρίου. Οι περισσότεροι κάτοικοι του χωριού πέρασαν το απόγευμα έξω, συζητώντας με τους γείτονές τους."),
        ("ar", "كان الطقس دافئا بشكل غير عادي في منتصف شهر أكتوبر. قضى معظم سكان القرية فترة بعد الظهر في الخارج يتحدثون مع جيرانهم ويستمتعون بآخر الأيام المشمسة في السنة."),
        ("fa", "هوا برای اواسط مهر به طرز غیرعادی گرم بود. بیشتر مردم روستا بعد از ظهر را بیرون گذراندند و با همسایه‌های خود گپ زدند و از آخرین روزهای آفتابی سال لذت بردند."),
        ("ur", "اکتوبر کے وسط کے لحاظ سے موسم غیر معمولی طور پر گرم تھا۔ گاؤں کے زیادہ تر لوگوں نے دوپہر باہر گزاری اور اپنے پڑوسیوں سے باتیں کرتے ہوئے سال کے آخری دھوپ والے دنوں کا لطف اٹھایا۔"),
        ("he", "מזג האוויר היה חם באופן חריג לאמצע אוקטובר. רוב תושבי הכפר בילו את אחר הצהריים בחוץ, שוחחו עם השכנים ונהנו מהימים השמשיים האחרונים של השנה."),
        ("hi", "अक्टूबर के मध्य के हिसाब से मौसम असामान्य रूप से गर्म था। गाँव के ज़्यादातर लोगों ने दोपहर बाहर बिताई और अपने पड़ोसियों से बातें करते हुए साल के आख़िरी धूप वाले दिनों का आनंद लिया।"),
        ("ja", "十月の半ばにしては、珍しく暖かい天気でした。村のほとんどの人は午後を外で過ごし、近所の人と話しながら、今年最後の晴れた日を楽しみました。"),
        ("zh", "对于十月中旬来说，天气异常温暖。村里的大多数人都在外面度过了下午，一边和邻居聊天，一边享受今年最后几个晴朗的日子。"),
        ("ko", "10월 중순치고는 날씨가 유난히 따뜻했습니다. 마을 사람들 대부분은 오후를 밖에서 보내며 이웃들과 이야기를 나누고 올해의 마지막 화창한 날을 즐겼습니다."),
        ("bn", "আজ আবহাওয়া খুব সুন্দর ছিল। আমরা বিকেলে নদীর ধারে হাঁটতে গিয়েছিলাম এবং বন্ধুদের সঙ্গে গল্প করেছিলাম।"),
        ("ta", "இன்று வானிலை மிகவும் அழகாக இருந்தது. நாங்கள் மாலையில் ஆற்றங்கரையில் நண்பர்களுடன் நடந்தோம்."),
        ("ka", "დღეს ამინდი ძალიან ლამაზი იყო. საღამოს მეგობრებთან ერთად მდინარის ნაპირზე ვისეირნეთ."),
        ("hy", "Այսօր եղանակը շատ գեղեցիկ էր։ Երեկոյան մենք ընկերների հետ զբոսնեցինք գետի ափին։"),
        ("th", "อากาศอบอุ่นผิดปกติสำหรับช่วงกลางเดือนตุลาคม ชาวบ้านส่วนใหญ่ใช้เวลาช่วงบ่ายอยู่นอกบ้าน พูดคุยกับเพื่อนบ้านและเพลิดเพลินกับวันที่มีแดดวันสุดท้ายของปี"),
    ]

    @Test(arguments: samples.map(\.code))
    func detectsParagraph(code: String) throws {
        let text = try #require(Self.samples.first { $0.code == code }?.text)
        let result = try LanguageDetector.detect(text)
        #expect(result.language == code, "expected \(code), got \(result.language) \(result.candidates)")
        #expect(result.confidence >= 0.5, "\(code): confidence \(result.confidence) \(result.candidates)")
        #expect(result.candidates.first?.code == code)
        #expect(result.candidates.count <= 3)
        #expect(result.candidates.allSatisfy { (0...1).contains($0.confidence) })
        // Candidates are ordered best first.
        #expect(zip(result.candidates, result.candidates.dropFirst()).allSatisfy { $0.confidence >= $1.confidence })
    }

    @Test func coversAtLeastFifteenLanguages() {
        #expect(Set(Self.samples.map(\.code)).count >= 15)
        #expect(Set(LanguageDetector.supportedLanguages).isSuperset(of: Self.samples.map(\.code)))
    }

    @Test func paragraphIsMoreConfidentThanTwoWords() throws {
        let paragraph = try LanguageDetector.detect(Self.samples[0].text)
        let phrase = try LanguageDetector.detect("the house")
        #expect(phrase.language == "en")
        #expect(paragraph.confidence > phrase.confidence + 0.3, "\(paragraph.confidence) vs \(phrase.confidence)")
        #expect(phrase.confidence < 0.5)

        let germanParagraph = try LanguageDetector.detect(Self.samples[1].text)
        let germanPhrase = try LanguageDetector.detect("und nicht")
        #expect(germanPhrase.language == "de")
        #expect(germanParagraph.confidence > germanPhrase.confidence)
    }

    @Test func emptyAndLetterlessTextIsUndetermined() throws {
        for text in ["", "   \n\t ", "12345 67.89", "!!! ??? ...", "😀🎉👍🏽", "—— ** ##"] {
            let result = try LanguageDetector.detect(text)
            #expect(result.language == "und", "\(text.debugDescription) → \(result.language)")
            #expect(result.confidence == 0)
            #expect(result.candidates.isEmpty)
            #expect(result.script == nil)
        }
    }

    @Test func scriptDetection() throws {
        #expect(try LanguageDetector.detect("Привет, как дела? Это очень хорошо.").script == .cyrillic)
        #expect(try LanguageDetector.detect("東京は日本の首都です。").language == "ja")
        #expect(try LanguageDetector.detect("東京は日本の首都です。").script == .kana)
        #expect(try LanguageDetector.detect("北京是中国的首都。").language == "zh")
        #expect(try LanguageDetector.detect("北京是中国的首都。").script == .han)
        #expect(try LanguageDetector.detect("서울은 한국의 수도입니다.").language == "ko")
        #expect(try LanguageDetector.detect("שלום עולם, מה שלומך היום?").language == "he")
        #expect(try LanguageDetector.detect("Καλημέρα σας, τι κάνετε σήμερα;").language == "el")
    }

    @Test func kanjiOnlyTextIsAmbiguousBetweenChineseAndJapanese() throws {
        let result = try LanguageDetector.detect("東京都")
        #expect(result.language == "zh")
        #expect(result.candidates.map(\.code).contains("ja"))
        #expect(result.confidence < 0.5)
    }

    @Test func mixedScriptsPickTheDominantOneWithReducedConfidence() throws {
        let english = "The committee approved the budget for the new library after a long discussion about the costs."
        let mixed = english + " Москва — столица России."
        let pure = try LanguageDetector.detect(english)
        let result = try LanguageDetector.detect(mixed)
        #expect(result.language == "en")
        #expect(result.confidence <= pure.confidence)
        #expect(result.candidates.contains { $0.code == "ru" || $0.code == "uk" || $0.code == "bg" })
    }

    @Test func closeLanguagePairs() throws {
        // Distinguished by a handful of function words only.
        #expect(try LanguageDetector.detect("Jeg ved ikke hvad han mener, men det er meget svært at forstå uden hjælp.").language == "da")
        #expect(try LanguageDetector.detect("Jeg vet ikke hva han mener, men det er veldig vanskelig å forstå uten hjelp.").language == "no")
        #expect(try LanguageDetector.detect("Eu não sei o que ele quer dizer, mas é muito difícil de entender.").language == "pt")
        #expect(try LanguageDetector.detect("No sé lo que quiere decir, pero es muy difícil de entender.").language == "es")
        #expect(try LanguageDetector.detect("Я не знаю, что он имеет в виду, но это очень трудно понять.").language == "ru")
        #expect(try LanguageDetector.detect("Я не знаю, що він має на увазі, але це дуже важко зрозуміти.").language == "uk")
    }

    @Test func ambiguousOrUnknownLatinTextHasLowConfidence() throws {
        let gibberish = try LanguageDetector.detect("Xqzt vbrmk plofw")
        #expect(gibberish.confidence < 0.3)
        let name = try LanguageDetector.detect("Anna")
        #expect(name.confidence < 0.3)
    }

    @Test func rejectsOverlongText() {
        let text = String(repeating: "a", count: TextLimits.maxCharacters + 1)
        #expect(throws: TextAnalysisError.textTooLong(characters: TextLimits.maxCharacters + 1, limit: TextLimits.maxCharacters)) {
            try LanguageDetector.detect(text)
        }
        #expect((try? LanguageDetector.detect(String(repeating: "a ", count: TextLimits.maxCharacters / 2))) != nil)
    }

    @Test func acceptsNorwegianAliases() {
        #expect(LanguageDetector.profile(for: "nb")?.code == "no")
        #expect(LanguageDetector.stopwords(for: "EN").contains("the"))
        #expect(LanguageDetector.stopwords(for: "xx").isEmpty)
    }
}
